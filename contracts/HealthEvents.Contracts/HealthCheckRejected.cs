namespace HealthEvents.Contracts;

/// <summary>
/// Event (and the reply to a request client): a request could not be answered. Invalid and
/// denied requests never reach Meta. Never carries an access token. Published with the MassTransit
/// <c>InitiatorId</c> header set to the request's MessageId.
/// </summary>
public sealed record HealthCheckRejected
{
    /// <summary>The request as received.</summary>
    public required HealthCheckRequested Request { get; init; }

    /// <summary>A value of <see cref="RejectionReasons"/> (open: new reasons may be added).</summary>
    public required string Reason { get; init; }

    /// <summary>What was wrong, for people.</summary>
    public required string Detail { get; init; }

    /// <summary>Meta's error code when Meta refused (<see cref="RejectionReasons.UpstreamRejected"/>).</summary>
    public int? UpstreamErrorCode { get; init; }

    /// <summary>Meta's error subcode, when it sent one.</summary>
    public int? UpstreamErrorSubcode { get; init; }

    /// <summary>When retrying makes sense, how long to wait first.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
