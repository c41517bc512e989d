using System.Collections.Concurrent;
using HealthEvents.Graph;
using HealthEvents.Graph.Throttling;

namespace HealthEvents.Core.Budgets;

/// <summary>Meta's pauses, each kept for the scope Meta named: the app, one WABA or one tenant's token.</summary>
internal sealed class PauseBook(TimeProvider time)
{
    private readonly ConcurrentDictionary<(ThrottleScope Scope, string Key), DateTimeOffset> _until = new();

    public void Add(GraphCallScope scope, MetaPause pause)
    {
        var until = time.GetUtcNow() + pause.For;
        _until.AddOrUpdate((pause.Scope, KeyOf(scope, pause.Scope)), until, (_, current) => current > until ? current : until);
    }

    /// <summary>The latest pause still running for any scope the call belongs to, if any.</summary>
    public (DateTimeOffset Until, BudgetLimit Limit)? Current(GraphCallScope scope)
    {
        var now = time.GetUtcNow();
        (DateTimeOffset, BudgetLimit)? latest = null;
        foreach (var (throttle, limit) in Scopes)
        {
            if (_until.TryGetValue((throttle, KeyOf(scope, throttle)), out var until) && until > now && (latest is null || until > latest.Value.Item1))
            {
                latest = (until, limit);
            }
        }

        return latest;
    }

    private static readonly (ThrottleScope, BudgetLimit)[] Scopes =
    [
        (ThrottleScope.App, BudgetLimit.MetaPausedApp),
        (ThrottleScope.Waba, BudgetLimit.MetaPausedWaba),
        (ThrottleScope.Tenant, BudgetLimit.MetaPausedTenant),
    ];

    private static string KeyOf(GraphCallScope scope, ThrottleScope throttle) => throttle switch
    {
        ThrottleScope.App => "",
        ThrottleScope.Waba => scope.WabaId,
        _ => scope.CustSpaceId,
    };
}
