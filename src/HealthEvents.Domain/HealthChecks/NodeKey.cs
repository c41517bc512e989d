namespace HealthEvents.Domain.HealthChecks;

/// <summary>What a stored snapshot is keyed on: one per tenant, node type and Graph node id.</summary>
public readonly record struct NodeKey(string CustSpaceId, string NodeType, string NodeId)
{
    public override string ToString() => $"{CustSpaceId}/{NodeType}/{NodeId}";
}
