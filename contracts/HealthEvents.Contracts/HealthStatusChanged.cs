namespace HealthEvents.Contracts;

/// <summary>
/// Event: a node's overall status or any entity's status, errors or additional info differ from
/// the stored snapshot. Published only on change. Delivery is at least once: after a crash the
/// same change may arrive again with the same <see cref="Version"/> (and MessageId), so
/// subscribers drop versions they have already seen.
/// </summary>
public sealed record HealthStatusChanged
{
    /// <summary>The customer space that owns the node.</summary>
    public required string CustSpaceId { get; init; }

    /// <summary><c>waba</c>, <c>phone</c> or <c>template</c>.</summary>
    public required string NodeType { get; init; }

    /// <summary>The checked node's Graph id.</summary>
    public required string NodeId { get; init; }

    /// <summary>The WABA the node belongs to.</summary>
    public string? WabaId { get; init; }

    /// <summary>The display number, when the node is a phone number and it is known.</summary>
    public string? PhoneNumber { get; init; }

    /// <summary>The phone number's Graph id, when the node is a phone number.</summary>
    public string? PhoneNumberId { get; init; }

    /// <summary>The template code, when the node is a template and it is known.</summary>
    public string? TemplateCode { get; init; }

    /// <summary>The template's Graph id, when the node is a template.</summary>
    public string? TemplateId { get; init; }

    /// <summary>The template language, when known.</summary>
    public string? Language { get; init; }

    /// <summary>The previous overall status; null the first time the node is seen.</summary>
    public string? Previous { get; init; }

    /// <summary>The new overall status.</summary>
    public required string Current { get; init; }

    /// <summary>Every entity with its status, errors and additional info.</summary>
    public required IReadOnlyList<HealthEntity> Entities { get; init; }

    /// <summary>The entities as they were before; empty the first time the node is seen.</summary>
    public IReadOnlyList<HealthEntity> PreviousEntities { get; init; } = [];

    /// <summary>The node's readiness now (quality, messaging limit, template status); null when not known.</summary>
    public Readiness? Readiness { get; init; }

    /// <summary>The readiness before; null the first time, or when it was not known.</summary>
    public Readiness? PreviousReadiness { get; init; }

    /// <summary>When Meta gave the new answer.</summary>
    public required DateTimeOffset CheckedAt { get; init; }

    /// <summary>Per node, strictly increasing by one with every change.</summary>
    public required long Version { get; init; }
}
