using HealthEvents.Graph.Throttling;
using HealthEvents.Contracts;
using HealthEvents.Core.Budgets;
using HealthEvents.Core.Bus;
using HealthEvents.Core.Parking;
using HealthEvents.Core.Telemetry;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HealthEvents.Core.HealthChecks;

/// <summary>
/// Answers <see cref="HealthCheckRequested"/>: publishes the change (if any) once stored, then
/// <see cref="HealthCheckCompleted"/> or <see cref="HealthCheckRejected"/>, and replies with the
/// same when a request client asked. A check that may not run yet is parked and comes back later
/// as the same message, unless its sender stops waiting first (then it is answered at once,
/// <c>Throttled</c>); one parked for longer than <c>HealthChecks:DeferredNoticeAfter</c> is
/// announced once with <see cref="HealthCheckDeferred"/>. Nothing starts while the broker blocks publishers (<see cref="IPublishFlow"/>).
/// Failures the processor does not answer (the store) are thrown: retry and the error queue handle them.
/// </summary>
public sealed class HealthCheckRequestedConsumer(
    HealthCheckProcessor processor,
    ChangePublisher changes,
    AnswerMemory answers,
    ICheckParking parking,
    IPublishFlow publishFlow,
    ParkedChecks parkedChecks,
    CheckStatusBook statuses,
    HealthEventsMetrics metrics,
    IOptions<HealthChecksOptions> options,
    TimeProvider time,
    ILogger<HealthCheckRequestedConsumer> logger) : IConsumer<HealthCheckRequested>
{
    public async Task Consume(ConsumeContext<HealthCheckRequested> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Message;
        HealthEventsMetrics.TagSpan(request.CustSpaceId);
        using var scope = logger.BeginScope(new Dictionary<string, object?>
        {
            ["CustSpaceId"] = request.CustSpaceId,
            ["NodeType"] = request.NodeType,
            ["WabaId"] = request.WabaId,
            // The best id known before resolution; replaced by the resolved one below.
            ["NodeId"] = request.PhoneNumberId ?? request.TemplateId ?? (request.NodeType == NodeTypes.Waba ? request.WabaId : null),
            ["MessageId"] = context.MessageId,
        });

        // An answer that cannot be published is not worth a Graph call: wait while the broker blocks publishers.
        await publishFlow.WaitUntilOpenAsync(context.CancellationToken);
        var now = time.GetUtcNow();
        // Read by the endpoint's CheckArrivalFilter.
        var arrival = context.GetPayload<CheckArrival>();
        var messageId = context.MessageId ?? NewId.NextGuid();
        var check = new CheckRequest(request, context.ReceiveContext.Body.Length ?? 0, messageId, arrival.AskedAt,
            arrival.Slot, arrival.ParkedSince, arrival.UpstreamFailingSince);

        var answerBy = arrival.AnswerBy(request.AnswerWithin);
        switch (await processor.ProcessAsync(check, context.CancellationToken))
        {
            case CheckOutcome.Parked parked when answerBy is { } deadline && parked.Until > deadline:
                // Its sender stops waiting before the check could run: tell it now, and when to try again.
                var tooLate = CheckOutcome.Refused(request, new Rejection(RejectionReasons.Throttled,
                    $"{parked.Reason.Describe()}: the check could run at {parked.Until:O}, after the sender stops waiting ({deadline:O}).",
                    RetryAfter: parked.Until - now)).Event;
                logger.LogInformation("Check rejected: it could run at {Until} ({Reason}), after its deadline {AnswerBy}", parked.Until, parked.Reason, deadline);
                await OutcomeAnswer.SendAsync(context, tooLate);
                statuses.Answered(messageId, tooLate);
                metrics.CheckAnswered(request.CustSpaceId, "rejected:" + tooLate.Reason);
                break;

            case CheckOutcome.Parked parked:
                var notice = !arrival.DeferredNoticed && parked.Until - now > options.Value.DeferredNoticeAfter;
                logger.LogDebug("Check parked until {Until} ({Reason})", parked.Until, parked.Reason);
                // Written down before the copy leaves: a short park can come back, and be answered,
                // before the forward returns here, and a later entry would then outlive its check.
                parkedChecks.Parked(messageId, request, parked.Until, parked.Reason);
                statuses.Waiting(messageId, parked.Until, parked.Reason);
                // The notice and the parked copy go out together: one broker round trip per parked check, not two.
                var sent = Task.WhenAll(
                    notice
                        ? OutcomeAnswer.NoticeAsync(context, new HealthCheckDeferred
                        {
                            Request = request,
                            NotBefore = parked.Until,
                            Reason = parked.Reason.ToString(),
                            RetryAfter = parked.Until - now,
                        })
                        : Task.CompletedTask,
                    parking.ParkAsync(context, new ParkingTicket(parked.Until, parked.Slot, arrival.ParkedSince ?? now, arrival.AskedAt, parked.Reason.ToString(),
                        parked.UpstreamFailingSince, answerBy, arrival.DeferredNoticed || notice)));
                try
                {
                    await sent;
                }
                catch
                {
                    // Not parked after all: the retry or the error queue has it now.
                    parkedChecks.Returned(messageId);
                    throw;
                }

                metrics.Parked(request.CustSpaceId, parked.Reason.ToString());
                break;

            case CheckOutcome.Rejected { Event: var rejected }:
                logger.LogWarning("Check of {WabaId} rejected: {Reason} ({Detail})", request.WabaId, rejected.Reason, rejected.Detail);
                await OutcomeAnswer.SendAsync(context, rejected);
                statuses.Answered(messageId, rejected);
                metrics.CheckAnswered(request.CustSpaceId, "rejected:" + rejected.Reason);
                break;

            case CheckOutcome.Completed { Event: var completed, Change: var change, Remembered: var remembered }:
                using (logger.BeginScope(new Dictionary<string, object?> { ["NodeId"] = completed.NodeId }))
                {
                    if (change is not null)
                    {
                        logger.LogInformation("Status changed {Previous} -> {Current} (version {Version})",
                            change.Previous?.CanSendMessage ?? "(first sight)", change.Current.CanSendMessage, change.Version);
                        await changes.PublishAsync(context, change, context.CancellationToken);
                    }

                    logger.LogInformation("Check completed: {CanSendMessage}, version {Version}{Cache}",
                        completed.Snapshot.CanSendMessage, completed.Version, completed.FromCache ? " (from store)" : "");
                    // Remembered before it is sent (a fresh answer already was, with its snapshot): a copy redelivered after a crash then answers the same.
                    if (!remembered)
                    {
                        await answers.RememberAsync(messageId, completed, context.CancellationToken);
                    }

                    await OutcomeAnswer.SendAsync(context, completed);
                    statuses.Answered(messageId, completed);
                    metrics.CheckAnswered(request.CustSpaceId, completed.FromCache ? "cached" : "completed");
                }

                break;

            case var other:
                throw new InvalidOperationException($"Unknown check outcome {other.GetType().Name}.");
        }
    }
}
