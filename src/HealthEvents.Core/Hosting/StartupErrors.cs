using System.Text.RegularExpressions;
using HealthEvents.Domain.Tenants;
using Microsoft.Extensions.Options;

namespace HealthEvents.Core.Hosting;

/// <summary>Turns configuration errors found at start-up into one line per problem and exit code 2, not a stack trace.</summary>
public static partial class StartupErrors
{
    public const int InvalidConfiguration = 2;

    public static async Task<int> ReportAsync(Func<Task> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        try
        {
            await run();
            return 0;
        }
        catch (Exception ex) when (Problems(ex) is { Count: > 0 } problems)
        {
            await Console.Error.WriteLineAsync("HealthEvents cannot start: the configuration is invalid.");
            foreach (var problem in problems)
            {
                await Console.Error.WriteLineAsync("  - " + problem);
            }

            return InvalidConfiguration;
        }
        catch (OperationCanceledException)
        {
            // Stopped (SIGTERM, Ctrl+C) while still starting, e.g. waiting for the broker: a clean exit.
            await Console.Error.WriteLineAsync("HealthEvents stopped before it finished starting.");
            return 0;
        }
    }

    /// <summary>The configuration problems <paramref name="ex"/> reports; empty when it is not a configuration error.</summary>
    public static IReadOnlyList<string> Problems(Exception ex) => ex switch
    {
        OptionsValidationException options => [.. options.Failures],
        TenantConfigurationException tenants => tenants.Errors,
        InvalidOperationException binding when UnreadableSetting(binding) is { } problem => [problem],
        AggregateException aggregate when aggregate.InnerExceptions.All(e => Problems(e).Count > 0) =>
            [.. aggregate.InnerExceptions.SelectMany(Problems)],
        _ => [],
    };

    // The configuration binder's "Failed to convert configuration value ... at 'Bus:Transport' to type '...'":
    // named by setting and expected type, never echoing the value (it may be a secret in the wrong place).
    private static string? UnreadableSetting(InvalidOperationException ex)
    {
        var match = BinderFailure().Match(ex.Message);
        if (!match.Success)
        {
            return null;
        }

        var typeName = match.Groups["type"].Value;
        var type = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(typeName)).FirstOrDefault(t => t is not null);
        var expected = type switch
        {
            { IsEnum: true } => "one of: " + string.Join(", ", Enum.GetNames(type)),
            _ when type == typeof(int) || type == typeof(long) => "a whole number",
            _ when type == typeof(double) || type == typeof(decimal) => "a number",
            _ when type == typeof(TimeSpan) => "a duration such as 00:00:10",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(Uri) => "an address",
            _ => "a " + (type?.Name ?? typeName[(typeName.LastIndexOf('.') + 1)..]),
        };
        return $"{match.Groups["path"].Value}: the value cannot be read; it must be {expected}.";
    }

    [GeneratedRegex("^Failed to convert configuration value (?:'.*' )?at '(?<path>[^']+)' to type '(?<type>[^']+)'", RegexOptions.Singleline)]
    private static partial Regex BinderFailure();
}
