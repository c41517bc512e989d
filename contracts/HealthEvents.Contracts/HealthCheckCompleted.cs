namespace HealthEvents.Contracts;

/// <summary>
/// Event (and the reply to a request client): a check finished, from Meta or from a stored
/// snapshot younger than the request's <c>MaxAge</c>. Published for every finished check, with the
/// MassTransit <c>InitiatorId</c> header set to the request's MessageId.
/// </summary>
public sealed record HealthCheckCompleted
{
    /// <summary>The customer space that owns the node.</summary>
    public required string CustSpaceId { get; init; }

    /// <summary><c>waba</c>, <c>phone</c> or <c>template</c>.</summary>
    public required string NodeType { get; init; }

    /// <summary>The checked node's Graph id (resolved when the request gave a number or code).</summary>
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

    /// <summary>The node's health.</summary>
    public required HealthSnapshot Snapshot { get; init; }

    /// <summary>True when the answer came from the store without calling Meta.</summary>
    public required bool FromCache { get; init; }

    /// <summary>The node's change version the snapshot belongs to (see <see cref="HealthStatusChanged.Version"/>).</summary>
    public required long Version { get; init; }

    /// <summary>The snapshot's <see cref="HealthSnapshot.Readiness"/> (quality, messaging limit, template status); null when not known.</summary>
    public Readiness? Readiness => Snapshot.Readiness;

    /// <summary>Whether a campaign may start from this node now, for the request's <c>PlannedRecipients</c> (<see cref="CampaignRule"/>).</summary>
    public CampaignVerdict? Campaign { get; init; }
}
