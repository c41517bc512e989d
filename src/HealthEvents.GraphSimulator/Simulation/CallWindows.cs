namespace HealthEvents.GraphSimulator.Simulation;

/// <summary>
/// Reads budgets off the call log the way Meta counts them: by arrival time at the Graph side.
/// The one measure tests and benchmarks use for "never more than N in any window".
/// </summary>
public static class CallWindows
{
    /// <summary>The most calls that fall in any half-open window [t, t + <paramref name="window"/>).</summary>
    public static int MostInAnyWindow(IEnumerable<SimulatedCall> calls, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(calls);
        var sorted = calls.Select(c => c.At).Order().ToList();
        var most = 0;
        for (int start = 0, end = 0; end < sorted.Count; end++)
        {
            while (sorted[end] - sorted[start] >= window)
            {
                start++;
            }

            most = Math.Max(most, end - start + 1);
        }

        return most;
    }

    /// <summary><see cref="MostInAnyWindow"/> for each token (tenant) in the log.</summary>
    public static IReadOnlyDictionary<string, int> MostInAnyWindowByToken(IEnumerable<SimulatedCall> calls, TimeSpan window) =>
        calls.GroupBy(c => c.TokenName, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => MostInAnyWindow(g, window), StringComparer.Ordinal);
}
