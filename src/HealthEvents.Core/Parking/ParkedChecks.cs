using System.Collections.Concurrent;

namespace HealthEvents.Core.Parking;

/// <summary>
/// Checks this process parked that have not come back yet, per tenant (the dashboard's "parked").
/// An entry leaves when its check is consumed again, or a minute after it was due (it came back to
/// another instance, or was answered elsewhere), so the count cannot drift.
/// </summary>
public sealed class ParkedChecks(TimeProvider time)
{
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<Guid, (string Tenant, DateTimeOffset Due)> _parked = new();

    /// <summary>Past this many entries, parking also forgets the overdue ones (no dashboard may be asking).</summary>
    private const int SweepAbove = 10_000;

    public void Parked(Guid messageId, string custSpaceId, DateTimeOffset until)
    {
        _parked[messageId] = (custSpaceId, until);
        if (_parked.Count > SweepAbove)
        {
            Sweep(countFor: null);
        }
    }

    public void Returned(Guid messageId) => _parked.TryRemove(messageId, out _);

    public int CountFor(string custSpaceId) => Sweep(custSpaceId);

    /// <summary>Forgets the overdue entries; counts the live ones of <paramref name="countFor"/>.</summary>
    private int Sweep(string? countFor)
    {
        var now = time.GetUtcNow();
        var count = 0;
        foreach (var (id, (tenant, due)) in _parked)
        {
            if (due + Grace < now)
            {
                _parked.TryRemove(id, out _);
            }
            else if (tenant == countFor)
            {
                count++;
            }
        }

        return count;
    }
}
