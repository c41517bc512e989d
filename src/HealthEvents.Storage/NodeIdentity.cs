namespace HealthEvents.Storage;

/// <summary>How the node was asked for, kept beside its snapshot so events can name it as callers do.</summary>
public sealed record NodeIdentity
{
    public string? WabaId { get; init; }

    public string? PhoneNumber { get; init; }

    public string? PhoneNumberId { get; init; }

    public string? TemplateCode { get; init; }

    public string? TemplateId { get; init; }

    public string? Language { get; init; }
}
