using HealthEvents.Contracts;
using HealthEvents.Core.Budgets;
using HealthEvents.Core.Parking;
using HealthEvents.Domain.Tenants;
using HealthEvents.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;

namespace HealthEvents.Http.Api;

/// <summary>
/// What an operator looks at first (<c>GET /v1/summary</c>): per space the key reaches, and over
/// all of them, how many nodes are AVAILABLE / LIMITED / BLOCKED and Go / Hold / Stop (the
/// campaign verdict for no planned size), how many changed in the last hour, and the budget use;
/// spaces with blocked nodes first. A space's counts are read from the store page by page and
/// kept for <see cref="CacheFor"/>, so a dashboard polling a space of 10,000 nodes does not re-read it each time.
/// </summary>
public static class SummaryEndpoints
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);
    private const int ReadPage = 1_000;
    private const int MaxChangesCounted = 10_000;

    public sealed record SpaceSummary(
        string CustSpaceId,
        int Nodes,
        IReadOnlyDictionary<string, int> ByStatus,
        IReadOnlyDictionary<string, int> ByVerdict,
        IReadOnlyDictionary<string, int> ByNodeType,
        int ChangedLastHour,
        int CallsInLastSecond,
        int CallsPerSecond,
        int ParkedChecks);

    public sealed record Summary(SpaceSummary Total, IReadOnlyList<SpaceSummary> Spaces);

    /// <summary>Counted in the store once per <see cref="CacheFor"/>.</summary>
    private sealed record Counts(int Nodes, Dictionary<string, int> ByStatus, Dictionary<string, int> ByVerdict, Dictionary<string, int> ByNodeType, int ChangedLastHour);

    public static async Task<IResult> GetAsync(
        HttpContext http, ITenantRegistry tenants, IHealthStore store, GraphBudget budget, ParkedChecks parked, IMemoryCache cache, TimeProvider time, string? CustSpaceId = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        var caller = ApiCaller.Of(http);
        IReadOnlyList<Tenant> spaces;
        if (CustSpaceId is { Length: > 0 })
        {
            if (TenantParameter.Resolve(http) is not { } one || !tenants.TryGet(one, out var tenant))
            {
                return TenantParameter.Problem(http);
            }

            spaces = [tenant];
        }
        else
        {
            spaces = [.. tenants.All.Where(t => caller.MayUse(t.CustSpaceId))];
        }

        var summaries = new List<SpaceSummary>();
        foreach (var tenant in spaces)
        {
            var counts = await cache.GetOrCreateAsync(("summary", tenant.CustSpaceId), entry =>
            {
                entry.AbsoluteExpirationRelativeToNow = CacheFor;
                return CountAsync(store, tenant.CustSpaceId, time.GetUtcNow(), http.RequestAborted);
            });
            var usage = budget.Usage(tenant);
            summaries.Add(new SpaceSummary(tenant.CustSpaceId, counts!.Nodes, counts.ByStatus, counts.ByVerdict, counts.ByNodeType, counts.ChangedLastHour,
                usage.CallsInWindow, usage.CallsPerWindow, parked.CountFor(tenant.CustSpaceId)));
        }

        var ordered = summaries
            .OrderByDescending(s => s.ByStatus.GetValueOrDefault(MessagingStatus.Blocked))
            .ThenByDescending(s => s.ByStatus.GetValueOrDefault(MessagingStatus.Limited))
            .ThenBy(s => s.CustSpaceId, StringComparer.Ordinal)
            .ToList();
        return ApiAnswers.Ok(http, new Summary(Sum(summaries), ordered));
    }

    private static async Task<Counts> CountAsync(IHealthStore store, string custSpaceId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var counts = new Counts(0, Zero(MessagingStatus.Available, MessagingStatus.Limited, MessagingStatus.Blocked),
            Zero(CampaignVerdicts.Go, CampaignVerdicts.Hold, CampaignVerdicts.Stop), Zero([.. NodeTypes.All]), 0);
        var nodes = 0;
        SnapshotPosition? after = null;
        while (true)
        {
            var page = await store.ListSnapshotsAsync(new SnapshotQuery(custSpaceId, Max: ReadPage, After: after), cancellationToken);
            foreach (var stored in page)
            {
                nodes++;
                Add(counts.ByStatus, stored.Snapshot.CanSendMessage);
                Add(counts.ByNodeType, stored.Key.NodeType);
                Add(counts.ByVerdict, CampaignRule.Decide(stored.Key.NodeType, stored.Snapshot.CanSendMessage, stored.Snapshot.Entities, stored.Snapshot.Readiness, null).Verdict);
            }

            if (page.Count < ReadPage)
            {
                break;
            }

            after = SnapshotPosition.Of(page[^1]);
        }

        var changes = await store.GetChangesAsync(custSpaceId, now.AddHours(-1), DateTimeOffset.MaxValue, MaxChangesCounted, cancellationToken);
        return counts with { Nodes = nodes, ChangedLastHour = changes.Select(c => c.Key).Distinct().Count() };
    }

    private static SpaceSummary Sum(IReadOnlyList<SpaceSummary> spaces) => new(
        "",
        spaces.Sum(s => s.Nodes),
        Merge(spaces.Select(s => s.ByStatus)),
        Merge(spaces.Select(s => s.ByVerdict)),
        Merge(spaces.Select(s => s.ByNodeType)),
        spaces.Sum(s => s.ChangedLastHour),
        spaces.Sum(s => s.CallsInLastSecond),
        spaces.Sum(s => s.CallsPerSecond),
        spaces.Sum(s => s.ParkedChecks));

    private static Dictionary<string, int> Merge(IEnumerable<IReadOnlyDictionary<string, int>> parts)
    {
        var total = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (key, count) in parts.SelectMany(p => p))
        {
            total[key] = total.GetValueOrDefault(key) + count;
        }

        return total;
    }

    private static Dictionary<string, int> Zero(params string[] keys) => keys.ToDictionary(k => k, _ => 0, StringComparer.Ordinal);

    private static void Add(Dictionary<string, int> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;
}
