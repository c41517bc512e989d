namespace HealthEvents.Contracts;

/// <summary>Machine-readable values of <see cref="HealthCheckRejected.Reason"/>.</summary>
public static class RejectionReasons
{
    /// <summary>The request is malformed or incomplete; Meta was not called.</summary>
    public const string Invalid = "Invalid";

    /// <summary>The customer space is unknown or does not own the node; Meta was not called.</summary>
    public const string AccessDenied = "AccessDenied";

    /// <summary>The phone number or template could not be found under the WABA.</summary>
    public const string NotFound = "NotFound";

    /// <summary>Meta refused permanently (bad token, permission, unknown id); see <c>UpstreamErrorCode</c>.</summary>
    public const string UpstreamRejected = "UpstreamRejected";

    /// <summary>Meta throttled the tenant for longer than the service waits; see <c>RetryAfter</c>.</summary>
    public const string Throttled = "Throttled";

    /// <summary>
    /// Meta could not be reached (errors, timeouts, unreadable answers) for longer than the service
    /// keeps trying; nothing is known about the node. Worth asking again later (<c>RetryAfter</c>).
    /// </summary>
    public const string UpstreamUnavailable = "UpstreamUnavailable";
}
