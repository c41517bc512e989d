namespace HealthEvents.Contracts;

/// <summary>
/// Meta's <c>can_send_message</c> values. The field is an open enum: values not listed here are
/// carried exactly as Meta sent them, and a subscriber must never treat them as <see cref="Available"/>.
/// </summary>
public static class MessagingStatus
{
    /// <summary>The node meets every messaging requirement.</summary>
    public const string Available = "AVAILABLE";

    /// <summary>The node can send with limits; <c>AdditionalInfo</c> says which.</summary>
    public const string Limited = "LIMITED";

    /// <summary>The node cannot send; <c>Errors</c> say why and how to fix it.</summary>
    public const string Blocked = "BLOCKED";

    /// <summary>
    /// The gate a sending pipeline applies ("may I send?"): true for <see cref="Available"/> and
    /// <see cref="Limited"/> (Meta sends, within the limits its additional info names); false for
    /// <see cref="Blocked"/>, null, and every value Meta may add later — an unknown status never
    /// counts as available.
    /// </summary>
    public static bool AllowsSending(string? status) => status is Available or Limited;
}
