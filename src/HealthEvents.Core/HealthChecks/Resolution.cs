using HealthEvents.Graph.Throttling;
using HealthEvents.Storage;

namespace HealthEvents.Core.HealthChecks;

/// <summary>The Graph node a <see cref="CheckTarget"/> names, why it cannot be checked, or
/// when the listing that says it may be read.</summary>
public abstract record Resolution
{
    private Resolution()
    {
    }

    public sealed record Found(string NodeId, NodeIdentity Identity) : Resolution;

    public sealed record NotResolved(Rejection Rejection) : Resolution;

    /// <summary>The listing it needs could not be read yet: the budget deferred the call.</summary>
    public sealed record Deferred(CallDeferral Deferral) : Resolution;
}
