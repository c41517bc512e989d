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
    private readonly ConcurrentDictionary<(WaitReason Reason, string Key), DateTimeOffset> _until = new();

    public void Add(GraphCallScope scope, MetaPause pause)
    {
        var limit = WaitReasons.Of(pause.Scope);
        Hold(limit, KeyOf(scope, limit), time.GetUtcNow() + pause.For);
    }

    public void HoldAll(DateTimeOffset until) => Hold(WaitReason.Takeover, "", until);

    /// <summary>The latest pause still running for any scope the call belongs to, if any.</summary>
    public (DateTimeOffset Until, WaitReason Reason)? Current(GraphCallScope scope)
    {
        var now = time.GetUtcNow();
        (DateTimeOffset, WaitReason)? latest = null;
        foreach (var limit in Limits)
        {
            if (_until.TryGetValue((limit, KeyOf(scope, limit)), out var until) && until > now && (latest is null || until > latest.Value.Item1))
            {
                latest = (until, limit);
            }
        }

        return latest;
    }

    private void Hold(WaitReason limit, string key, DateTimeOffset until) =>
        _until.AddOrUpdate((limit, key), until, (_, current) => current > until ? current : until);

    private static readonly WaitReason[] Limits =
        [WaitReason.MetaPausedApp, WaitReason.MetaPausedWaba, WaitReason.MetaPausedTenant, WaitReason.Takeover];

    private static string KeyOf(GraphCallScope scope, WaitReason limit) => limit switch
    {
        WaitReason.MetaPausedApp or WaitReason.Takeover => "",
        WaitReason.MetaPausedWaba => scope.WabaId,
        _ => scope.CustSpaceId,
    };
}
