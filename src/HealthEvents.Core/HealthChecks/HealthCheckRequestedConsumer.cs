using HealthEvents.Contracts;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace HealthEvents.Core.HealthChecks;

/// <summary>
/// Answers <see cref="HealthCheckRequested"/>: publishes the change (if any) once stored, then
/// <see cref="HealthCheckCompleted"/> or <see cref="HealthCheckRejected"/>, and replies with the
/// same when a request client asked. Failures are thrown: retry and the error queue handle them.
/// </summary>
public sealed class HealthCheckRequestedConsumer(
    HealthCheckProcessor processor,
    ChangePublisher changes,
    ILogger<HealthCheckRequestedConsumer> logger) : IConsumer<HealthCheckRequested>
{
    public async Task Consume(ConsumeContext<HealthCheckRequested> context)
    {
        var request = context.Message;
        using var scope = logger.BeginScope(new Dictionary<string, object?>
        {
            ["CustSpaceId"] = request.CustSpaceId,
            ["NodeType"] = request.NodeType,
            ["WabaId"] = request.WabaId,
            // The best id known before resolution; replaced by the resolved one below.
            ["NodeId"] = request.PhoneNumberId ?? request.TemplateId ?? (request.NodeType == NodeTypes.Waba ? request.WabaId : null),
            ["MessageId"] = context.MessageId,
        });

        switch (await processor.ProcessAsync(request, context.ReceiveContext.Body.Length ?? 0, context.CancellationToken))
        {
            case CheckOutcome.Rejected { Event: var rejected }:
                logger.LogWarning("Check of {WabaId} rejected: {Reason} ({Detail})", request.WabaId, rejected.Reason, rejected.Detail);
                await AnswerAsync(context, rejected);
                break;

            case CheckOutcome.Completed { Event: var completed, Change: var change }:
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
                    await AnswerAsync(context, completed);
                }

                break;

            case var other:
                throw new InvalidOperationException($"Unknown check outcome {other.GetType().Name}.");
        }
    }

    /// <summary>
    /// Publishes the outcome with the request's MessageId as InitiatorId (how callers that publish
    /// match outcomes to requests) and replies with it when a request client asked.
    /// </summary>
    private static async Task AnswerAsync<T>(ConsumeContext<HealthCheckRequested> context, T outcome)
        where T : class
    {
        await context.Publish(outcome, p => p.InitiatorId = context.MessageId, context.CancellationToken);
        if (context.ResponseAddress is not null)
        {
            await context.RespondAsync(outcome);
        }
    }
}
