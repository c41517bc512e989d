using HealthEvents.Contracts;
using HealthEvents.Core.HealthChecks;
using HealthEvents.Core.Parking;
using HealthEvents.Core.Telemetry;
using MassTransit;
using Microsoft.Extensions.Options;

namespace HealthEvents.Core.Bus;

/// <summary>
/// Consumes the entry queue (what senders publish or send to). A check whose tenant's shard this
/// process owns right now (<see cref="ShardOwnership"/>) runs here at once, as that shard's owner:
/// with one instance, that is every tenant seen before, and the check skips a trip through the
/// broker. A flooding tenant's checks too: parked from here, they never pass through the shard
/// queue, so the other tenants of that shard never wait behind them. Any other check is
/// forwarded, unchanged, into the consistent-hash exchange with its <c>CustSpaceId</c> as routing
/// key, so every check of a tenant lands in the same shard queue; the original is acknowledged
/// only after the broker confirmed the copy. The instance holding the router lease routes
/// (<see cref="EntryRouting"/>). The check keeps when it was first asked.
/// </summary>
public sealed class ShardRouter(
    CheckQueues queues,
    ShardOwnership ownership,
    HealthCheckRequestedConsumer checks,
    HealthEventsMetrics metrics,
    TimeProvider time)
    : IConsumer<HealthCheckRequested>
{
    public Task Consume(ConsumeContext<HealthCheckRequested> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var custSpaceId = context.Message.CustSpaceId;
        if (ownership.TryOwnedShardOf(custSpaceId, out var shard))
        {
            metrics.Routed(custSpaceId, local: true);
            return checks.RunAsync(context, shard);
        }

        metrics.Routed(custSpaceId, local: false);
        var askedAt = ParkingHeaders.AskedAtOf(context, time.GetUtcNow());
        // Invalid checks are routed too (to any shard): the check consumer rejects them with a reason.
        var routingKey = custSpaceId ?? "";
        return context.Forward(queues.HashExchangeAddress, Pipe.Execute<SendContext<HealthCheckRequested>>(send =>
        {
            send.SetRoutingKey(routingKey);
            ParkingHeaders.Write(send.Headers, ParkingHeaders.AskedAt, askedAt);
        }));
    }
}

/// <summary>The entry queue's endpoint (RabbitMQ): its documented name, and retries when a forward fails.</summary>
public sealed class ShardRouterDefinition(IOptions<BusOptions> bus) : CheckEndpointDefinition<ShardRouter>(bus);
