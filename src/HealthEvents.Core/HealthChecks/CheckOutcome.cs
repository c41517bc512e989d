using HealthEvents.Contracts;
using HealthEvents.Core.Budgets;
using HealthEvents.Graph.Throttling;
using HealthEvents.Storage;

namespace HealthEvents.Core.HealthChecks;

/// <summary>How a request ended: one of a closed set the consumer switches on.</summary>
public abstract record CheckOutcome
{
    private CheckOutcome()
    {
    }

    /// <summary>
    /// Answered, from Meta or the store; <paramref name="Change"/> is the stored change it caused, if
    /// any; <paramref name="Remembered"/> when the store already keeps this answer (<see cref="AnswerMemory"/>).
    /// </summary>
    public sealed record Completed(HealthCheckCompleted Event, StoredChange? Change, bool Remembered = false) : CheckOutcome;

    /// <summary>Not answered, and why.</summary>
    public sealed record Rejected(HealthCheckRejected Event) : CheckOutcome;

    /// <summary>
    /// Not yet: the budget (or Meta, or the check this one joined) says not before <paramref name="Until"/>.
    /// The message is parked until then, carrying its reserved pace <paramref name="Slot"/> and,
    /// while Meta cannot be reached, since when (<paramref name="UpstreamFailingSince"/>).
    /// </summary>
    public sealed record Parked(DateTimeOffset Until, DateTimeOffset? Slot, WaitReason Reason, DateTimeOffset? UpstreamFailingSince = null) : CheckOutcome;

    public static Rejected Refused(HealthCheckRequested request, Rejection rejection)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        return new(new HealthCheckRejected
        {
            Request = request,
            Reason = rejection.Reason,
            Detail = rejection.Detail,
            UpstreamErrorCode = rejection.UpstreamErrorCode,
            UpstreamErrorSubcode = rejection.UpstreamErrorSubcode,
            RetryAfter = rejection.RetryAfter,
        });
    }
}
