using HealthEvents.Contracts;

namespace HealthEvents.Service.HealthChecks;

/// <summary>How a request ended: completed (with the change it caused, if any) or rejected.</summary>
public sealed record CheckOutcome(HealthCheckCompleted? Completed, HealthStatusChanged? Change, HealthCheckRejected? Rejected)
{
    public static CheckOutcome Done(HealthCheckCompleted completed, HealthStatusChanged? change) => new(completed, change, null);

    public static CheckOutcome Refused(HealthCheckRequested request, Rejection rejection) => new(null, null, new HealthCheckRejected
    {
        Request = request,
        Reason = rejection.Reason,
        Detail = rejection.Detail,
        UpstreamErrorCode = rejection.UpstreamErrorCode,
        UpstreamErrorSubcode = rejection.UpstreamErrorSubcode,
        RetryAfter = rejection.RetryAfter,
    });
}
