using HealthEvents.Contracts;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace HealthEvents.Core.HealthChecks;

/// <summary>
/// A receive filter in front of every endpoint that takes <see cref="HealthCheckRequested"/>: it
/// screens the raw body (<see cref="RequestScreen"/>) before MassTransit deserialises it. A request
/// that cannot be read as one is answered with <see cref="HealthCheckRejected"/> (<c>Invalid</c>,
/// naming the problem), published and sent to its response address like any other outcome, and
/// acknowledged; it never reaches the consumer, the budget or Meta. Everything else passes on.
/// </summary>
public sealed class RequestGate(ILogger<RequestGate> logger) : IFilter<ReceiveContext>
{
    public async Task Send(ReceiveContext context, IPipe<ReceiveContext> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.ContentType?.MediaType is not ("application/vnd.masstransit+json" or "application/json")
            || RequestScreen.Screen(context.Body.GetBytes()) is not RequestScreen.Screened.Unreadable unreadable)
        {
            await next.Send(context);
            return;
        }

        var rejected = CheckOutcome.Refused(unreadable.PartialRequest, unreadable.Problem).Event;
        var ids = unreadable.Ids;
        logger.LogWarning("Unreadable check request {MessageId} rejected: {Detail}", ids.MessageId, rejected.Detail);
        await OutcomeAnswer.SendAsync(context, rejected, ids);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("healthEventsRequestGate");
}
