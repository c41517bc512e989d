using HealthEvents.Core.Budgets;
using HealthEvents.Core.Parking;
using MassTransit;

namespace HealthEvents.Core.Bus;

/// <summary>
/// What a check brings with it to the consumer, read from its headers once (<see cref="ParkingHeaders"/>):
/// when it was asked, and what it carries back from being parked.
/// </summary>
public sealed record CheckArrival(DateTimeOffset AskedAt, DateTimeOffset? Slot, DateTimeOffset? ParkedSince, DateTimeOffset? UpstreamFailingSince);

/// <summary>
/// The check endpoint's bookkeeping before the consumer runs, so the consumer only answers: reads
/// the headers into a <see cref="CheckArrival"/> payload, counts a parked check as back, and on
/// RabbitMQ tells the budget since when this process is the work queue's active consumer
/// (<see cref="GraphBudget.TakingOver"/>).
/// </summary>
public sealed class CheckArrivalFilter(ParkedChecks parked, GraphBudget budget, WorkQueueActivity? activity, TimeProvider time) : IFilter<ConsumeContext>
{
    public Task Send(ConsumeContext context, IPipe<ConsumeContext> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var headers = context.Headers;
        context.GetOrAddPayload(() => new CheckArrival(
            ParkingHeaders.AskedAtOf(context, time.GetUtcNow()),
            ParkingHeaders.Read(headers, ParkingHeaders.Slot),
            ParkingHeaders.Read(headers, ParkingHeaders.ParkedSince),
            ParkingHeaders.Read(headers, ParkingHeaders.UpstreamFailingSince)));
        if (context.MessageId is { } messageId)
        {
            parked.Returned(messageId);
        }

        if (activity is not null)
        {
            budget.TakingOver(activity.Delivered());
        }

        return next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("healthEventsCheckArrival");
}
