namespace HealthEvents.Contracts;

/// <summary>
/// Event: a check will wait longer than the service's notice threshold before it can run (a
/// budget, or Meta throttling), so its sender hears that it is waiting and why instead of nothing.
/// Published once per request, with the MassTransit <c>InitiatorId</c> header set to the request's
/// MessageId; never sent to a request client's response address (that one gets the answer). The
/// answer itself, <see cref="HealthCheckCompleted"/> or <see cref="HealthCheckRejected"/>, follows
/// when the check has run.
/// </summary>
public sealed record HealthCheckDeferred
{
    /// <summary>The request as received (its node identity and customer space).</summary>
    public required HealthCheckRequested Request { get; init; }

    /// <summary>The earliest the check can run.</summary>
    public required DateTimeOffset NotBefore { get; init; }

    /// <summary>
    /// What it waits for (open: new values may be added): <c>TenantRate</c>, <c>TenantConcurrency</c>,
    /// <c>WabaHourly</c>, <c>MetaPausedTenant</c>, <c>MetaPausedWaba</c>, <c>MetaPausedApp</c>,
    /// <c>Takeover</c>, <c>UpstreamUnavailable</c>, <c>JoinedCheck</c> (it waits with a check of the same node).
    /// </summary>
    public required string Reason { get; init; }

    /// <summary><see cref="NotBefore"/> as a wait, from when this was published.</summary>
    public required TimeSpan RetryAfter { get; init; }
}
