using HealthEvents.Contracts;
using HealthEvents.Core.Bus;
using HealthEvents.Core.HealthChecks;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HealthEvents.Core.Parking;

/// <summary>
/// Reads the near parking queue, where every parked check arrives (directly, or after the hops of
/// a long wait). What is left of the wait decides: at least <see cref="RabbitMqParkingTopology.ShortestHop"/>,
/// the check takes the next hop (confirmed before this copy is acknowledged); otherwise it is held
/// until due (its <see cref="ParkingHeaders.ParkedUntil"/>), never acknowledged before, so a process
/// that dies meanwhile leaves it to the broker to hand to another. When due, a process that is the
/// work queue's active consumer (the usual case: the first instance to start is active on both
/// queues) runs it here, as if it had come back through the work queue; any other moves it back
/// there, confirmed before the held copy is acknowledged.
/// </summary>
public sealed class NearParkedCheckConsumer(
    CheckQueues queues,
    RabbitMqParking parking,
    HealthCheckRequestedConsumer checks,
    CheckArrivals arrivals,
    WorkQueueActivity activity,
    TimeProvider time,
    ILogger<NearParkedCheckConsumer> logger) : IConsumer<HealthCheckRequested>
{
    public async Task Consume(ConsumeContext<HealthCheckRequested> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var now = time.GetUtcNow();
        var wait = (ParkingHeaders.Read(context.Headers, ParkingHeaders.ParkedUntil) ?? now) - now;
        if (RabbitMqParkingTopology.HopFor(wait) is not null)
        {
            await parking.HopAsync(context, wait);
            return;
        }

        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, context.CancellationToken);
        }

        if (activity.ActiveSince is { } activeSince)
        {
            logger.LogDebug("Near-parked check {MessageId} is due: running it here, the work queue's active consumer", context.MessageId);
            arrivals.Arrived(context, onRabbitMq: true, activeSince);
            await checks.Consume(context);
            return;
        }

        logger.LogDebug("Near-parked check {MessageId} is due: back to the work queue", context.MessageId);
        await context.Forward(queues.WorkAddress);
    }
}

/// <summary>
/// The near parking queue's endpoint: a single active consumer holding as many checks as
/// <c>Bus:NearParkingCapacity</c>, each waiting without work; failures retried like the check
/// endpoints' before the entry's error queue.
/// </summary>
public sealed class NearParkedCheckConsumerDefinition : ConsumerDefinition<NearParkedCheckConsumer>
{
    private readonly BusOptions _bus;

    public NearParkedCheckConsumerDefinition(IOptions<BusOptions> bus, CheckQueues queues)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(queues);
        _bus = bus.Value;
        EndpointName = queues.Parking.NearQueue;
        ConcurrentMessageLimit = _bus.NearParkingCapacity;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<NearParkedCheckConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        endpointConfigurator.PrefetchCount = _bus.NearParkingCapacity;
        // Fed only by parking, never by the published message type.
        endpointConfigurator.ConfigureConsumeTopology = false;
        // One process holds the near-parked checks; another takes them over when it goes.
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.SetQueueArgument(CheckQueues.SingleActiveConsumerArgument, true);
        }

        CheckRetry.Use(endpointConfigurator, _bus);
    }
}
