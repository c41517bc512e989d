using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using HealthEvents.GraphSimulator.Simulation;

namespace HealthEvents.Bench;

/// <summary>Publish → outcome latencies, keyed by the request's MessageId (the outcome's InitiatorId).</summary>
internal sealed class Latencies
{
    private readonly ConcurrentDictionary<Guid, long> _sentAt = new();
    private readonly ConcurrentDictionary<Guid, double> _done = new();
    private int _rejected;
    private long _firstSent;
    private long _lastDone;

    /// <summary>Requests answered, either way.</summary>
    public int Done => _done.Count;

    /// <summary>Requests answered with <c>HealthCheckRejected</c>: not a finished check.</summary>
    public int Rejected => _rejected;

    /// <summary>Requests answered with <c>HealthCheckCompleted</c>.</summary>
    public int Completed => Done - Rejected;

    /// <summary>Requests sent and not answered yet.</summary>
    public int Unanswered => _sentAt.Count - Done;

    public void Sent(Guid id)
    {
        var now = Stopwatch.GetTimestamp();
        Interlocked.CompareExchange(ref _firstSent, now, 0);
        _sentAt[id] = now;
    }

    public void Answered(Guid? id, bool rejected = false)
    {
        if (id is { } key && _sentAt.TryGetValue(key, out var start) && _done.TryAdd(key, Stopwatch.GetElapsedTime(start).TotalMilliseconds))
        {
            if (rejected)
            {
                Interlocked.Increment(ref _rejected);
            }

            Interlocked.Exchange(ref _lastDone, Stopwatch.GetTimestamp());
        }
    }

    public bool IsDone(Guid id) => _done.ContainsKey(id);

    public double Of(Guid id) => _done.TryGetValue(id, out var ms) ? ms : double.NaN;

    /// <summary>First publish to last outcome.</summary>
    public TimeSpan Span => _lastDone == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(_firstSent, _lastDone);

    public double Percentile(double q, IEnumerable<Guid>? only = null)
    {
        var values = (only is null ? _done.Values : only.Where(_done.ContainsKey).Select(id => _done[id])).Order().ToList();
        return values.Count == 0 ? double.NaN : values[Math.Min(values.Count - 1, (int)(q * values.Count))];
    }

    public void Reset()
    {
        _sentAt.Clear();
        _done.Clear();
        _rejected = 0;
        _firstSent = 0;
        _lastDone = 0;
    }
}

/// <summary>Budget violations read off the simulator's call log, the way Meta counts: by arrival.</summary>
internal static class Violations
{
    /// <summary>Tenants that ever made more than <paramref name="perSecond"/> calls in any 1 s, and the worst count seen.</summary>
    public static (int Tenants, int Worst) PerSecond(IReadOnlyList<SimulatedCall> calls, int perSecond)
    {
        var worst = CallWindows.MostInAnyWindowByToken(calls, TimeSpan.FromSeconds(1));
        return (worst.Count(w => w.Value > perSecond), worst.Values.DefaultIfEmpty(0).Max());
    }

    /// <summary>WABAs that ever had more than <paramref name="perHour"/> calls in any hour, and the worst count seen.</summary>
    public static (int Wabas, int Worst) PerHour(IReadOnlyList<SimulatedCall> calls, int perHour)
    {
        var worst = calls.Where(c => c.WabaId is not null).GroupBy(c => c.WabaId!, StringComparer.Ordinal)
            .Select(g => CallWindows.MostInAnyWindow(g, TimeSpan.FromHours(1))).ToList();
        return (worst.Count(w => w > perHour), worst.DefaultIfEmpty(0).Max());
    }
}

/// <summary>One line of a results table.</summary>
internal static class Row
{
    public static string Header =>
        "| scenario | what | completed / rejected / sent | wall | checks/s | p50 / p99 publish→outcome (ms) | Graph calls | tenants over 5/s (worst 1 s) | WABAs over hourly (worst 1 h) | peak RSS |" + Environment.NewLine +
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |";

    /// <summary>A row; checks/s counts completed checks only (a rejection is not a finished check).</summary>
    public static string Of(string scenario, string what, int total, TimeSpan wall, Latencies latencies,
        IReadOnlyList<SimulatedCall> calls, int perSecond, int perHour, long peakRssBytes) =>
        string.Create(CultureInfo.InvariantCulture,
            $"| {scenario} | {what} | {latencies.Completed} / {latencies.Rejected} / {total} | {wall.TotalSeconds:0.0} s | {latencies.Completed / wall.TotalSeconds:0} | {latencies.Percentile(0.5):0} / {latencies.Percentile(0.99):0} | {calls.Count} | {Violations.PerSecond(calls, perSecond).Tenants} ({Violations.PerSecond(calls, perSecond).Worst}) | {Violations.PerHour(calls, perHour).Wabas} ({Violations.PerHour(calls, perHour).Worst}) | {Mb(peakRssBytes)} |");

    public static string Mb(long bytes) => bytes <= 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0} MB");
}
