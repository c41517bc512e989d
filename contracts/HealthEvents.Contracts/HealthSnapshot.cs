namespace HealthEvents.Contracts;

/// <summary>The messaging health of one node at one moment.</summary>
public sealed record HealthSnapshot
{
    /// <summary>
    /// Overall status recomputed by HealthEvents from the entities (BLOCKED if any entity is
    /// BLOCKED, else an unknown value if any, else LIMITED if any, else AVAILABLE) and never less
    /// severe than what Meta reported.
    /// </summary>
    public required string CanSendMessage { get; init; }

    /// <summary>The overall status exactly as Meta reported it.</summary>
    public required string ReportedCanSendMessage { get; init; }

    /// <summary>Every entity involved in sending from the node.</summary>
    public required IReadOnlyList<HealthEntity> Entities { get; init; }

    /// <summary>When Meta answered.</summary>
    public required DateTimeOffset CheckedAt { get; init; }

    /// <summary>
    /// The node's fields a campaign needs (quality, messaging limit, template status), from the same
    /// Graph call; null in snapshots taken before this version asked for them.
    /// </summary>
    public Readiness? Readiness { get; init; }
}
