using HealthEvents.Contracts;

namespace HealthEvents.Gate;

/// <summary>
/// What the gate knows, per node: the latest version seen, found by id and by the number or code
/// the events name. Versions only move forward: an older or repeated one changes nothing; the
/// same version seen again later (the query API re-reading a stored answer) only freshens it.
/// </summary>
internal sealed class HealthView
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, NodeState> _byKey = new(StringComparer.Ordinal);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byKey.Values.Distinct().Count();
            }
        }
    }

    /// <summary>Applies <paramref name="state"/> if it is newer than what is known; true when it changed the view.</summary>
    public bool Apply(NodeState state)
    {
        lock (_gate)
        {
            var key = GateNode.ById(state.CustSpaceId, state.NodeType, state.NodeId);
            if (_byKey.TryGetValue(key, out var known)
                && (known.Version > state.Version || (known.Version == state.Version && known.CheckedAt >= state.CheckedAt)))
            {
                return false;
            }

            foreach (var each in state.Keys)
            {
                _byKey[each] = state;
            }

            return true;
        }
    }

    public NodeState? Find(GateNode node)
    {
        lock (_gate)
        {
            return _byKey.GetValueOrDefault(node.Key);
        }
    }
}

/// <summary>One node as last known.</summary>
internal sealed record NodeState(
    string CustSpaceId, string NodeType, string NodeId, string? WabaId, string? PhoneNumber, string? TemplateCode, string? Language,
    string Status, IReadOnlyList<HealthEntity> Entities, Readiness? Readiness, long Version, DateTimeOffset CheckedAt, string Source)
{
    public static NodeState From(HealthStatusChanged e) => new(
        e.CustSpaceId, e.NodeType, e.NodeId, e.WabaId, e.PhoneNumber, e.TemplateCode, e.Language,
        e.Current, e.Entities, e.Readiness, e.Version, e.CheckedAt, GateSources.Events);

    public static NodeState From(HealthCheckCompleted c) => new(
        c.CustSpaceId, c.NodeType, c.NodeId, c.WabaId, c.PhoneNumber, c.TemplateCode, c.Language,
        c.Snapshot.CanSendMessage, c.Snapshot.Entities, c.Snapshot.Readiness, c.Version, c.Snapshot.CheckedAt, GateSources.QueryApi);

    public IEnumerable<string> Keys
    {
        get
        {
            yield return GateNode.ById(CustSpaceId, NodeType, NodeId);
            if (WabaId is null)
            {
                yield break;
            }

            if (NodeType == NodeTypes.Phone && PhoneNumber is { } number)
            {
                yield return GateNode.ByNumber(CustSpaceId, WabaId, number);
            }

            if (NodeType == NodeTypes.Template && TemplateCode is { } code && Language is { } language)
            {
                yield return GateNode.ByCode(CustSpaceId, WabaId, code, language);
            }
        }
    }
}
