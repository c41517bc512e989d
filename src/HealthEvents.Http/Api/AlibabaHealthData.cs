using HealthEvents.Contracts;

namespace HealthEvents.Http.Api;

/// <summary>
/// <c>Data</c> of the Alibaba form, key for key as seed 000 shows it. Every entity carries the
/// node's context (its WABA, the business, the phone number or template asked about), as Alibaba's
/// example does; a key that does not apply is null, never missing.
/// </summary>
public sealed record AlibabaHealthData(string CanSendMessage, IReadOnlyList<AlibabaEntity> Entities)
{
    public static AlibabaHealthData From(HealthCheckCompleted completed)
    {
        ArgumentNullException.ThrowIfNull(completed);
        var snapshot = completed.Snapshot;
        var business = snapshot.Entities.FirstOrDefault(e => e.EntityType == "BUSINESS")?.Id;
        return new AlibabaHealthData(snapshot.CanSendMessage, [.. snapshot.Entities.Select(e => new AlibabaEntity
        {
            EntityType = e.EntityType,
            TemplateCode = completed.TemplateCode,
            Errors = [.. e.Errors.Select(x => new AlibabaEntityError(x.ErrorDescription, x.PossibleSolution, x.ErrorCode))],
            Language = completed.Language,
            CanSendMessage = e.CanSendMessage,
            PhoneNumber = completed.PhoneNumber,
            WabaId = completed.WabaId,
            BusinessId = business,
        })]);
    }
}

public sealed record AlibabaEntity
{
    public required string EntityType { get; init; }

    public string? TemplateCode { get; init; }

    public required IReadOnlyList<AlibabaEntityError> Errors { get; init; }

    public string? Language { get; init; }

    public required string CanSendMessage { get; init; }

    public string? PhoneNumber { get; init; }

    public string? WabaId { get; init; }

    public string? BusinessId { get; init; }
}

/// <summary>One reason an entity cannot send; <c>ErrorCode</c> is a string, as Alibaba gives it.</summary>
public sealed record AlibabaEntityError(string? ErrorDescription, string? PossibleSolution, string ErrorCode);
