using HealthEvents.Storage;

namespace HealthEvents.Core.Refresh;

/// <summary>
/// One round of a tenant's scheduled refresh: each known node once, evenly spread over the
/// interval. The interval is stretched when the tenant asked for more than refresh may spend:
/// at most half of any WABA's hourly Graph quota, so checks people ask for always have the rest.
/// </summary>
public sealed record RefreshPlan(TimeSpan Interval, IReadOnlyList<RefreshPlan.Item> Items)
{
    /// <summary>The share of a WABA's hourly quota refresh may use.</summary>
    public const double QuotaShare = 0.5;

    public sealed record Item(StoredSnapshot Node, TimeSpan Offset);

    public static RefreshPlan Make(TimeSpan requested, IReadOnlyList<StoredSnapshot> nodes, int wabaCallsPerHour)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        if (nodes.Count == 0)
        {
            return new RefreshPlan(requested, []);
        }

        // Each refresh is one health call (the node's id is known, so nothing is resolved again).
        var busiestWaba = nodes.GroupBy(n => n.Identity.WabaId, StringComparer.Ordinal).Max(g => g.Count());
        var shortest = TimeSpan.FromHours(1) * busiestWaba / Math.Max(1, wabaCallsPerHour * QuotaShare);
        var interval = requested >= shortest ? requested : shortest;
        var spacing = interval / nodes.Count;
        return new RefreshPlan(interval, [.. nodes.Select((node, i) => new Item(node, spacing * i))]);
    }
}
