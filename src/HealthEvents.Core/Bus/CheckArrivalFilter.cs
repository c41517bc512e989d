using HealthEvents.Core.Budgets;
using HealthEvents.Core.Parking;
using MassTransit;

namespace HealthEvents.Core.Bus;

/// <summary>
/// The bookkeeping of a check reaching the consumer, so the consumer only answers: its parking
/// headers read into a <see cref="CheckArrival"/> payload, a parked check counted as back, and on
/// RabbitMQ the budget told since when this process is the work queue's active consumer
/// (<see cref="GraphBudget.TakingOver"/>).
/// </summary>
public sealed class CheckArrivals(ParkedChecks parked, GraphBudget budget, TimeProvider time)
{
    /// <summary>A check arrived; on RabbitMQ with <paramref name="activeSince"/>, since when this process is the work queue's active consumer (null: not proven).</summary>
    public void Arrived(ConsumeContext context, bool onRabbitMq, DateTimeOffset? activeSince)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.GetOrAddPayload(() => CheckArrival.Of(context, time.GetUtcNow()));
        if (context.MessageId is { } messageId)
        {
            parked.Returned(messageId);
        }

        if (onRabbitMq)
        {
            budget.TakingOver(activeSince);
        }
    }
}

/// <summary>The check endpoint's filter: every delivery is an arrival, and on the work queue proves this process active.</summary>
public sealed class CheckArrivalFilter(CheckArrivals arrivals, WorkQueueActivity? activity) : IFilter<ConsumeContext>
{
    public Task Send(ConsumeContext context, IPipe<ConsumeContext> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        arrivals.Arrived(context, activity is not null, activity?.Delivered(context.ReceiveContext.ElapsedTime));
        return next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("healthEventsCheckArrival");
}
