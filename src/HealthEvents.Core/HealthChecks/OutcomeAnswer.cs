using MassTransit;

namespace HealthEvents.Core.HealthChecks;

/// <summary>
/// How an outcome reaches its sender: published with the request's MessageId as InitiatorId (how
/// callers that publish match outcomes to requests), and sent to the response address when a
/// request client asked. Its MessageId derives from the request's (<see cref="DerivedMessageIds"/>),
/// so answering a redelivered request again sends the same message again, not a second answer.
/// </summary>
public static class OutcomeAnswer
{
    /// <summary>From the consumer: the request was read.</summary>
    public static async Task SendAsync<T>(ConsumeContext context, T outcome)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        var messageId = MessageIdFor<T>(context.MessageId);
        await context.Publish(outcome, p => Stamp(p, messageId, context.MessageId), context.CancellationToken);
        if (context.ResponseAddress is not null)
        {
            await context.RespondAsync(outcome, r => r.MessageId = messageId);
        }
    }

    /// <summary>A notice about the request (<c>HealthCheckDeferred</c>): published like an outcome, never sent to a request client, which waits for the answer.</summary>
    public static Task NoticeAsync<T>(ConsumeContext context, T notice)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        var messageId = MessageIdFor<T>(context.MessageId);
        return context.Publish(notice, p => Stamp(p, messageId, context.MessageId), context.CancellationToken);
    }

    /// <summary>From the receive pipe: the request could not be read, only its envelope's ids.</summary>
    public static async Task SendAsync<T>(ReceiveContext context, T outcome, RequestScreen.EnvelopeIds ids)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(ids);
        var messageId = MessageIdFor<T>(ids.MessageId);
        var publish = await context.PublishEndpointProvider.GetPublishSendEndpoint<T>();
        await publish.Send(outcome, p => Stamp(p, messageId, ids.MessageId, ids.ConversationId), context.CancellationToken);
        if (ids.ResponseAddress is not null)
        {
            var requester = await context.SendEndpointProvider.GetSendEndpoint(ids.ResponseAddress);
            await requester.Send(outcome, r =>
            {
                Stamp(r, messageId, ids.MessageId, ids.ConversationId);
                r.RequestId = ids.RequestId;
            }, context.CancellationToken);
        }
    }

    private static Guid MessageIdFor<T>(Guid? requestMessageId) =>
        requestMessageId is { } id ? DerivedMessageIds.ForOutcome<T>(id) : NewId.NextGuid();

    private static void Stamp(SendContext context, Guid messageId, Guid? requestMessageId, Guid? conversationId = null)
    {
        context.MessageId = messageId;
        context.InitiatorId = requestMessageId;
        if (conversationId is not null)
        {
            context.ConversationId = conversationId;
        }
    }
}
