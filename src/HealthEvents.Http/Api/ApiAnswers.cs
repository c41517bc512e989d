using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace HealthEvents.Http.Api;

/// <summary>Builds the API's results: the envelope, the status that goes with its code, and Retry-After where it applies.</summary>
public static class ApiAnswers
{
    public static IResult Ok<T>(HttpContext http, T data) => Write(http, ApiCodes.Ok, "None", data);

    public static IResult Accepted<T>(HttpContext http, T data) =>
        Results.Json(Envelope(http, ApiCodes.Ok, "None", "None", data), ApiJson.Options, statusCode: StatusCodes.Status202Accepted);

    public static IResult Error(HttpContext http, string code, string message, TimeSpan? retryAfter = null, string? accessDenied = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (retryAfter is { } wait)
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return Write<object>(http, code, message, null, accessDenied);
    }

    /// <summary>The request's id: the one the caller sent in <c>X-Request-Id</c> when it is a GUID, else a new one.</summary>
    public static string RequestIdOf(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.Items.TryGetValue(nameof(RequestIdOf), out var known) && known is string id)
        {
            return id;
        }

        id = Guid.TryParse(http.Request.Headers["X-Request-Id"], out var given) ? given.ToString("D").ToUpperInvariant() : Guid.NewGuid().ToString("D").ToUpperInvariant();
        http.Items[nameof(RequestIdOf)] = id;
        return id;
    }

    private static IResult Write<T>(HttpContext http, string code, string message, T? data, string? accessDenied = null) =>
        Results.Json(Envelope(http, code, message, accessDenied ?? "None", data), ApiJson.Options, statusCode: ApiCodes.StatusOf(code));

    private static ApiEnvelope<T> Envelope<T>(HttpContext http, string code, string message, string accessDenied, T? data) => new()
    {
        AccessDeniedDetail = accessDenied,
        Message = message,
        RequestId = RequestIdOf(http),
        Data = data,
        Code = code,
        Success = code == ApiCodes.Ok,
    };
}
