using System.Collections.Concurrent;
using HealthEvents.Graph;
using HealthEvents.Graph.Throttling;

namespace HealthEvents.Core.Budgets;

/// <summary>
/// Pauses, each kept for the scope it applies to: Meta's (the app, one WABA or one tenant's token)
/// and the service's own hold on every call while this process takes over the work queue.
/// </summary>
internal sealed class PauseBook(TimeProvider time)
{
    private readonly ConcurrentDictionary<(BudgetLimit Limit, string Key), DateTimeOffset> _until = new();

    public void Add(GraphCallScope scope, MetaPause pause)
    {
        var limit = LimitOf(pause.Scope);
        Hold(limit, KeyOf(scope, limit), time.GetUtcNow() + pause.For);
    }

    public void HoldAll(DateTimeOffset until) => Hold(BudgetLimit.Takeover, "", until);

    /// <summary>The latest pause still running for any scope the call belongs to, if any.</summary>
    public (DateTimeOffset Until, BudgetLimit Limit)? Current(GraphCallScope scope)
    {
        var now = time.GetUtcNow();
        (DateTimeOffset, BudgetLimit)? latest = null;
        foreach (var limit in Limits)
        {
            if (_until.TryGetValue((limit, KeyOf(scope, limit)), out var until) && until > now && (latest is null || until > latest.Value.Item1))
            {
                latest = (until, limit);
            }
        }

        return latest;
    }

    private void Hold(BudgetLimit limit, string key, DateTimeOffset until) =>
        _until.AddOrUpdate((limit, key), until, (_, current) => current > until ? current : until);

    private static readonly BudgetLimit[] Limits =
        [BudgetLimit.MetaPausedApp, BudgetLimit.MetaPausedWaba, BudgetLimit.MetaPausedTenant, BudgetLimit.Takeover];

    private static BudgetLimit LimitOf(ThrottleScope scope) => scope switch
    {
        ThrottleScope.App => BudgetLimit.MetaPausedApp,
        ThrottleScope.Waba => BudgetLimit.MetaPausedWaba,
        _ => BudgetLimit.MetaPausedTenant,
    };

    private static string KeyOf(GraphCallScope scope, BudgetLimit limit) => limit switch
    {
        BudgetLimit.MetaPausedApp or BudgetLimit.Takeover => "",
        BudgetLimit.MetaPausedWaba => scope.WabaId,
        _ => scope.CustSpaceId,
    };
}
