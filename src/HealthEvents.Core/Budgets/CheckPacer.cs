namespace HealthEvents.Core.Budgets;

/// <summary>
/// Hands each check of a tenant a start time at most one per <c>interval</c> (window ÷ the tenant's
/// rate): a virtual schedule (GCRA). A check that cannot start now is parked until its slot, so a
/// tenant's backlog comes back spread at the pace its budget can take, not all at once, and is
/// read again only when its time has come.
/// </summary>
internal sealed class CheckPacer
{
    private readonly object _lock = new();
    private readonly Dictionary<string, DateTimeOffset> _nextFree = new(StringComparer.Ordinal);

    /// <summary>The slot a check would get if it asked now, no earlier than <paramref name="earliest"/>.</summary>
    public DateTimeOffset Peek(string tenant, DateTimeOffset earliest)
    {
        lock (_lock)
        {
            return _nextFree.TryGetValue(tenant, out var next) && next > earliest ? next : earliest;
        }
    }

    /// <summary>Takes the slot <see cref="Peek"/> names and moves the tenant's schedule one interval on.</summary>
    public DateTimeOffset Reserve(string tenant, DateTimeOffset earliest, TimeSpan interval, DateTimeOffset now)
    {
        lock (_lock)
        {
            var slot = _nextFree.TryGetValue(tenant, out var next) && next > earliest ? next : earliest;
            _nextFree[tenant] = slot + interval;
            if (_nextFree.Count > 10_000)
            {
                Forget(now);
            }

            return slot;
        }
    }

    /// <summary>Tenants whose schedule is in the past have nothing to remember.</summary>
    private void Forget(DateTimeOffset now)
    {
        foreach (var idle in _nextFree.Where(p => p.Value < now).Select(p => p.Key).ToList())
        {
            _nextFree.Remove(idle);
        }
    }
}
