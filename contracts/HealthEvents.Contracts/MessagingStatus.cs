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

    /// <summary>True when <paramref name="status"/> is one of the three documented values.</summary>
    public static bool IsKnown(string? status) => status is Available or Limited or Blocked;
}
