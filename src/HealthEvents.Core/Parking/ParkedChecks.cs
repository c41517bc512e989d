using HealthEvents.Contracts;
using HealthEvents.Graph.Throttling;

namespace HealthEvents.Core.Parking;

/// <summary>One check this process parked: its node, until when and why.</summary>
public sealed record ParkedCheck(Guid CheckId, string CustSpaceId, string NodeType, string? WabaId, DateTimeOffset ParkedAt, DateTimeOffset Until, WaitReason Reason);

/// <summary>
/// Checks this process parked that have not come back yet, per tenant: the dashboard's "parked"
/// count and its list of waiting checks, and <c>GET /v1/checks/{checkId}</c> for a check that
/// waits. An entry leaves when its check is consumed again, or a minute after it was due (it came
/// back to another instance, or was answered elsewhere), so nothing drifts. Every change is
/// O(log n): a flood parks tens of thousands of checks, one at a time.
/// </summary>
public sealed class ParkedChecks(TimeProvider time)
{
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, ParkedCheck> _parked = [];
    private readonly Dictionary<string, HashSet<Guid>> _perTenant = new(StringComparer.Ordinal);

    // Every parking in order of when it may be forgotten; an entry whose check came back (or was
    // parked again since) is stale and skipped when it reaches the head.
    private readonly PriorityQueue<(Guid Id, DateTimeOffset Due), DateTimeOffset> _forgetting = new();

    public void Parked(Guid messageId, HealthCheckRequested request, DateTimeOffset until, WaitReason reason)
    {
        ArgumentNullException.ThrowIfNull(request);
        // The node type as the contracts spell it: one string per type, not one per parked check.
        var nodeType = NodeTypes.All.FirstOrDefault(t => t == request.NodeType) ?? request.NodeType;
        var now = time.GetUtcNow();
        lock (_gate)
        {
            ForgetOverdue();
            Remove(messageId);
            _parked[messageId] = new ParkedCheck(messageId, request.CustSpaceId, nodeType, request.WabaId, now, until, reason);
            if (!_perTenant.TryGetValue(request.CustSpaceId, out var ids))
            {
                _perTenant[request.CustSpaceId] = ids = [];
            }

            ids.Add(messageId);
            _forgetting.Enqueue((messageId, until), until + Grace);
        }
    }

    public void Returned(Guid messageId)
    {
        lock (_gate)
        {
            Remove(messageId);
        }
    }

    public int CountFor(string custSpaceId)
    {
        lock (_gate)
        {
            ForgetOverdue();
            return _perTenant.TryGetValue(custSpaceId, out var ids) ? ids.Count : 0;
        }
    }

    public ParkedCheck? Find(Guid checkId)
    {
        lock (_gate)
        {
            ForgetOverdue();
            return _parked.GetValueOrDefault(checkId);
        }
    }

    /// <summary>A space's parked checks, soonest to run first, at most <paramref name="max"/>.</summary>
    public IReadOnlyList<ParkedCheck> WaitingIn(string custSpaceId, int max)
    {
        lock (_gate)
        {
            ForgetOverdue();
            return _perTenant.TryGetValue(custSpaceId, out var ids)
                ? [.. ids.Select(id => _parked[id]).OrderBy(p => p.Until).ThenBy(p => p.CheckId).Take(max)]
                : [];
        }
    }

    private void ForgetOverdue()
    {
        var now = time.GetUtcNow();
        while (_forgetting.TryPeek(out var entry, out var forgetAt) && forgetAt < now)
        {
            _forgetting.Dequeue();
            if (_parked.TryGetValue(entry.Id, out var live) && live.Until == entry.Due)
            {
                Remove(entry.Id);
            }
        }
    }

    private void Remove(Guid messageId)
    {
        if (!_parked.Remove(messageId, out var entry))
        {
            return;
        }

        var ids = _perTenant[entry.CustSpaceId];
        ids.Remove(messageId);
        if (ids.Count == 0)
        {
            _perTenant.Remove(entry.CustSpaceId);
        }
    }
}
