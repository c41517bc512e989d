using HealthEvents.Contracts;
using HealthEvents.Core.Bus;
using MassTransit;

namespace HealthEvents.Core.HealthChecks;

/// <summary>What asking for a check brought back: its outcome, or nothing within the time allowed.</summary>
public abstract record CheckAnswer
{
    private CheckAnswer()
    {
    }

    public sealed record Completed(HealthCheckCompleted Outcome) : CheckAnswer;

    public sealed record Rejected(HealthCheckRejected Outcome) : CheckAnswer;

    public sealed record NoAnswer(TimeSpan Waited) : CheckAnswer;
}

/// <summary>
/// The one way a caller that wants an answer now (the HTTP API, the CLI) asks for a check: a
/// MassTransit request to the address given (the service: <see cref="CheckQueues.InProcessAddressOf"/>;
/// the CLI: the entry queue), answered by the consumer with the check's outcome.
/// </summary>
public static class CheckAsker
{
    public static async Task<CheckAnswer> AskAsync(this IBus bus, Uri checks, HealthCheckRequested request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bus);
        var client = bus.CreateRequestClient<HealthCheckRequested>(checks, RequestTimeout.After(ms: (int)Math.Ceiling(timeout.TotalMilliseconds)));
        // The request's own timeout covers the wait for an answer, not sending it (see BoundedSend).
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            var response = await BoundedSend.WithinAsync(() => client.GetResponse<HealthCheckCompleted, HealthCheckRejected>(request, deadline.Token), timeout, cancellationToken);
            if (response.Is(out Response<HealthCheckCompleted>? completed))
            {
                return new CheckAnswer.Completed(completed.Message);
            }

            return response.Is(out Response<HealthCheckRejected>? rejected)
                ? new CheckAnswer.Rejected(rejected.Message)
                : throw new InvalidOperationException("The check was answered with a message of an unknown type.");
        }
        catch (Exception ex) when (ex is RequestTimeoutException or TimeoutException || (ex is OperationCanceledException && deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested))
        {
            return new CheckAnswer.NoAnswer(timeout);
        }
    }
}
