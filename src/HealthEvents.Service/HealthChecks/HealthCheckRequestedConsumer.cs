using HealthEvents.Contracts;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace HealthEvents.Service.HealthChecks;

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

        var outcome = await processor.ProcessAsync(request, context.ReceiveContext.Body.Length ?? 0, context.CancellationToken);

        if (outcome.Rejected is { } rejected)
        {
            logger.LogWarning("Check of {WabaId} rejected: {Reason} ({Detail})", request.WabaId, rejected.Reason, rejected.Detail);
            await context.Publish(rejected, FromRequest<HealthCheckRejected>(context), context.CancellationToken);
            await ReplyAsync(context, rejected);
            return;
        }

        var completed = outcome.Completed!;
        using var nodeScope = logger.BeginScope(new Dictionary<string, object?> { ["NodeId"] = completed.NodeId });
        if (outcome.Change is { } change)
        {
            logger.LogInformation("Status changed {Previous} -> {Current} (version {Version})", change.Previous ?? "(first sight)", change.Current, change.Version);
            await changes.PublishAsync(context, change, context.CancellationToken);
        }

        logger.LogInformation("Check completed: {CanSendMessage}, version {Version}{Cache}",
            completed.Snapshot.CanSendMessage, completed.Version, completed.FromCache ? " (from store)" : "");
        await context.Publish(completed, FromRequest<HealthCheckCompleted>(context), context.CancellationToken);
        await ReplyAsync(context, completed);
    }

    // Callers that publish rather than use a request client match outcomes to requests by this header.
    private static Action<PublishContext<T>> FromRequest<T>(ConsumeContext request)
        where T : class => p => p.InitiatorId = request.MessageId;

    private static async Task ReplyAsync<T>(ConsumeContext context, T reply)
        where T : class
    {
        if (context.ResponseAddress is not null)
        {
            await context.RespondAsync(reply);
        }
    }
}
