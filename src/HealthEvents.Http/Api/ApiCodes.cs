using HealthEvents.Contracts;
using Microsoft.AspNetCore.Http;

namespace HealthEvents.Http.Api;

/// <summary>The API's answer codes (the envelope's <c>Code</c>) and the HTTP status each goes with: one table, one owner.</summary>
public static class ApiCodes
{
    public const string Ok = "OK";
    public const string MissingParameter = "MissingParameter";
    public const string InvalidParameter = "InvalidParameter";
    public const string InvalidApiKey = "InvalidApiKey";
    public const string NoPermission = "Forbidden.NoPermission";
    public const string NotFound = "NotFound";
    public const string PayloadTooLarge = "PayloadTooLarge";
    public const string ApiThrottled = "Throttling.User";
    public const string MetaThrottled = "Throttling.Upstream";
    public const string UpstreamRejected = "UpstreamRejected";
    public const string UpstreamUnavailable = "UpstreamUnavailable";
    public const string Timeout = "Timeout";
    public const string ServiceUnavailable = "ServiceUnavailable";

    public static int StatusOf(string code) => code switch
    {
        Ok => StatusCodes.Status200OK,
        MissingParameter or InvalidParameter => StatusCodes.Status400BadRequest,
        InvalidApiKey => StatusCodes.Status401Unauthorized,
        NoPermission => StatusCodes.Status403Forbidden,
        NotFound => StatusCodes.Status404NotFound,
        PayloadTooLarge => StatusCodes.Status413PayloadTooLarge,
        ApiThrottled or MetaThrottled => StatusCodes.Status429TooManyRequests,
        UpstreamRejected => StatusCodes.Status502BadGateway,
        UpstreamUnavailable or ServiceUnavailable => StatusCodes.Status503ServiceUnavailable,
        Timeout => StatusCodes.Status504GatewayTimeout,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>The code for a check's rejection reason (<see cref="RejectionReasons"/>).</summary>
    public static string ForRejection(string reason) => reason switch
    {
        RejectionReasons.Invalid => InvalidParameter,
        RejectionReasons.AccessDenied => NoPermission,
        RejectionReasons.NotFound => NotFound,
        RejectionReasons.Throttled => MetaThrottled,
        RejectionReasons.UpstreamRejected => UpstreamRejected,
        RejectionReasons.UpstreamUnavailable => UpstreamUnavailable,
        _ => UpstreamRejected,
    };
}
