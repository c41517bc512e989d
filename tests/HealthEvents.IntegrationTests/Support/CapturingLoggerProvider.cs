using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace HealthEvents.IntegrationTests.Support;

/// <summary>Keeps every log line, with its scopes and exception, so tests can search what the service wrote.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _lines = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new StringBuilder().Append(logLevel).Append(' ').Append(category).Append(": ").Append(formatter(state, exception));
            provider._scopes.ForEachScope((scope, text) =>
            {
                if (scope is IEnumerable<KeyValuePair<string, object?>> values)
                {
                    foreach (var (key, value) in values)
                    {
                        text.Append(" [").Append(key).Append('=').Append(value).Append(']');
                    }
                }
                else
                {
                    text.Append(" [").Append(scope).Append(']');
                }
            }, line);
            if (exception is not null)
            {
                line.AppendLine().Append(exception);
            }

            provider._lines.Enqueue(line.ToString());
        }
    }
}
