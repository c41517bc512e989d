using HealthEvents.Core.Budgets;
using HealthEvents.Core.Parking;
using MassTransit;

namespace HealthEvents.Core.Bus;

/// <summary>
/// The check endpoint's bookkeeping before the consumer runs, so the consumer only answers: reads
/// the parking headers into a <see cref="CheckArrival"/> payload, counts a parked check as back, and on
/// RabbitMQ tells the budget since when this process is the work queue's active consumer
/// (<see cref="GraphBudget.TakingOver"/>).
/// </summary>
public sealed class CheckArrivalFilter(ParkedChecks parked, GraphBudget budget, WorkQueueActivity? activity, TimeProvider time) : IFilter<ConsumeContext>
{
    public Task Send(ConsumeContext context, IPipe<ConsumeContext> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        context.GetOrAddPayload(() => CheckArrival.Of(context, time.GetUtcNow()));
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
