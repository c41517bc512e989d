namespace HealthEvents.Graph;

/// <summary>A row of a WABA's <c>phone_numbers</c> edge.</summary>
public sealed record GraphPhoneNumber(string Id, string DisplayPhoneNumber, string? VerifiedName);

/// <summary>A row of a WABA's <c>message_templates</c> edge.</summary>
public sealed record GraphMessageTemplate(string Id, string Name, string Language, string? Status);
