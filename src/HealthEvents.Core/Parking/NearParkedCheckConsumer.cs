using HealthEvents.Contracts;
using HealthEvents.Core.Bus;
using HealthEvents.Core.HealthChecks;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HealthEvents.Core.Parking;

/// <summary>
/// Holds a check from the near parking queue until it is due (its <see cref="ParkingHeaders.ParkedUntil"/>),
/// never acknowledging it before, so a process that dies meanwhile leaves it to the broker to hand
/// to another. When due: if this process owns the shard the check was parked from
/// (<see cref="ShardOwnership"/>), the check runs here at once; otherwise it is forwarded to that
/// shard queue, confirmed before the held copy is acknowledged. One queue hop instead of the delay
/// levels' several quorum-queue hops, for the short waits that make up most parking.
/// </summary>
public sealed class NearParkedCheckConsumer(
    ShardOwnership ownership,
    HealthCheckRequestedConsumer checks,
    CheckQueues queues,
    TimeProvider time,
    ILogger<NearParkedCheckConsumer> logger) : IConsumer<HealthCheckRequested>
{
    public async Task Consume(ConsumeContext<HealthCheckRequested> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var now = time.GetUtcNow();
        var wait = (ParkingHeaders.Read(context.Headers, ParkingHeaders.ParkedUntil) ?? now) - now;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, context.CancellationToken);
        }

        var shard = context.Headers.Get<string>(ParkingHeaders.ReturnTo);
        if (shard is not null && ownership.TryOwned(shard, out var owned))
        {
            logger.LogDebug("Near-parked check {MessageId} is due: running it here, the owner of {Shard}", context.MessageId, shard);
            await checks.RunAsync(context, owned);
            return;
        }

        // Unknown destination (a hand-written message): the entry queue routes it like a new check.
        var destination = shard ?? queues.EntryQueue;
        logger.LogDebug("Near-parked check {MessageId} is due: forwarding it to {Queue}", context.MessageId, destination);
        await context.Forward(queues.Parking.DeliverExchangeAddress, Pipe.Execute<SendContext<HealthCheckRequested>>(send => send.Headers.Set(ParkingHeaders.ReturnTo, destination)));
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
        // One process holds the near-parked checks (another takes them over when it goes): the
        // first to start, which is usually the owner of the shards too, so they run where they are held.
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.SetQueueArgument(RabbitMqCheckTopology.SingleActiveConsumer.Key, RabbitMqCheckTopology.SingleActiveConsumer.Value);
        }
        CheckRetry.Use(endpointConfigurator, _bus);
    }
}
