using System.Text.Json;
using System.Text.Json.Serialization;

namespace HealthEvents.Http.Api;

/// <summary>
/// Every <c>/v1</c> answer, in the shape of Alibaba Cloud's <c>GetWhatsappHealthStatus</c> response
/// (seed 000): the same keys, in the same order, PascalCase. Errors use it too, with a distinct
/// <see cref="Code"/> (<see cref="ApiCodes"/>), <c>Success</c> false and <c>Data</c> null.
/// </summary>
public sealed record ApiEnvelope<T>
{
    /// <summary>Why access was denied; "None" when it was not (as in seed 000).</summary>
    public required string AccessDeniedDetail { get; init; }

    /// <summary>What went wrong; "None" on success (as in seed 000).</summary>
    public required string Message { get; init; }

    public required string RequestId { get; init; }

    public T? Data { get; init; }

    public required string Code { get; init; }

    public required bool Success { get; init; }
}

/// <summary>How the API writes JSON: PascalCase like Alibaba's API, nulls kept so every answer has every key.</summary>
public static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = null,
        PropertyNameCaseInsensitive = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}
