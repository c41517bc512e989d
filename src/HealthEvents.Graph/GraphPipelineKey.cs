namespace HealthEvents.Graph;

/// <summary>
/// Which instance of a named Polly pipeline a Graph call runs through: one per tenant, so one
/// tenant's failing node or bad token opens only that tenant's circuit. The pipeline is configured
/// once per <see cref="Pipeline"/> name (<see cref="BuilderComparer"/>); instances are per key.
/// </summary>
public readonly record struct GraphPipelineKey(string Pipeline, string CustSpaceId)
{
    /// <summary>Keys that name the same pipeline share its configuration.</summary>
    public static IEqualityComparer<GraphPipelineKey> BuilderComparer { get; } =
        EqualityComparer<GraphPipelineKey>.Create((a, b) => a.Pipeline == b.Pipeline, k => k.Pipeline.GetHashCode(StringComparison.Ordinal));
}
