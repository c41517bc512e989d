namespace HealthEvents.Contracts;

/// <summary>One node Meta reports in a <c>health_status</c> answer.</summary>
public sealed record HealthEntity
{
    /// <summary>PHONE_NUMBER, MESSAGE_TEMPLATE, WABA, BUSINESS, APP, or a newer type kept as sent.</summary>
    public required string EntityType { get; init; }

    /// <summary>The entity's Graph id.</summary>
    public required string Id { get; init; }

    /// <summary>The entity's status, see <see cref="MessagingStatus"/> (open enum).</summary>
    public required string CanSendMessage { get; init; }

    /// <summary>Why a LIMITED entity is limited; empty when Meta sent none.</summary>
    public IReadOnlyList<string> AdditionalInfo { get; init; } = [];

    /// <summary>Why an entity is BLOCKED (Meta also sends these on LIMITED ones); empty when none.</summary>
    public IReadOnlyList<HealthEntityError> Errors { get; init; } = [];

    /// <summary>Meta's <c>can_receive_call_sip</c> on phone numbers and apps, when present.</summary>
    public string? CanReceiveCallSip { get; init; }
}
