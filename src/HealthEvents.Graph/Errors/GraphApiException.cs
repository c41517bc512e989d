namespace HealthEvents.Graph.Errors;

/// <summary>
/// A Graph API call failed. Messages are built from Meta's error text with the caller's token
/// scrubbed out, and never include request headers.
/// </summary>
public abstract class GraphApiException : Exception
{
    protected GraphApiException(string message, GraphErrorDetails details, Exception? inner = null)
        : base(message, inner) => Details = details;

    public GraphErrorDetails Details { get; }
}

/// <summary>What Meta said about a failure, as far as it said anything.</summary>
public sealed record GraphErrorDetails(
    int? HttpStatus = null,
    int? Code = null,
    int? Subcode = null,
    string? Type = null,
    string? FbTraceId = null)
{
    public static GraphErrorDetails None { get; } = new();
}

/// <summary>Worth retrying: 5xx, timeouts, connection failures, malformed answers, Meta's temporary errors.</summary>
public sealed class GraphTransientException(string message, GraphErrorDetails details, Exception? inner = null)
    : GraphApiException(message, details, inner);

/// <summary>Meta throttled the app, the WABA or the caller's token (<see cref="Scope"/>): stay away for <see cref="RetryAfter"/>.</summary>
public sealed class GraphThrottledException(string message, Throttling.ThrottleScope scope, TimeSpan retryAfter, GraphErrorDetails details)
    : GraphApiException(message, details)
{
    public Throttling.ThrottleScope Scope { get; } = scope;

    public TimeSpan RetryAfter { get; } = retryAfter;

    public Throttling.MetaPause Pause => new(Scope, RetryAfter);
}

/// <summary>Retrying cannot help: the token, the permission, the id or the request is wrong.</summary>
public sealed class GraphPermanentException(string message, GraphPermanentReason reason, GraphErrorDetails details, string? unknownField = null)
    : GraphApiException(message, details)
{
    public GraphPermanentReason Reason { get; } = reason;

    /// <summary>What <see cref="UnknownField"/> is when Meta said "nonexisting field" without naming it.</summary>
    public const string UnnamedField = "*";

    /// <summary>The field Meta says the node does not have (error 100 "nonexisting field"; <see cref="UnnamedField"/> when unnamed); null for every other error.</summary>
    public string? UnknownField { get; } = unknownField;
}

public enum GraphPermanentReason
{
    InvalidToken,
    PermissionDenied,
    UnknownNode,
    InvalidRequest,
}
