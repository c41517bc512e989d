using HealthEvents.Storage;

namespace HealthEvents.Core.HealthChecks;

/// <summary>The Graph node a <see cref="CheckTarget"/> names, or why it cannot be checked.</summary>
public abstract record Resolution
{
    private Resolution()
    {
    }

    public sealed record Found(string NodeId, NodeIdentity Identity) : Resolution;

    public sealed record NotResolved(Rejection Rejection) : Resolution;
}
