using HealthEvents.Contracts;
using HealthEvents.Core.Parking;
using MassTransit;
using Microsoft.Extensions.Options;

namespace HealthEvents.Core.Bus;

/// <summary>
/// Consumes the entry queue (what senders publish or send to) and forwards each check, unchanged,
/// into the consistent-hash exchange with its <c>CustSpaceId</c> as routing key, so every check of a
/// tenant lands in the same shard queue. The original is acknowledged only after the broker
/// confirmed the copy. Stateless: every instance routes. The check keeps when it was first asked.
/// </summary>
public sealed class ShardRouter(IOptions<BusOptions> bus, TimeProvider time) : IConsumer<HealthCheckRequested>
{
    private readonly Uri _hashExchange = CheckQueues.From(bus.Value).HashExchangeAddress;

    public Task Consume(ConsumeContext<HealthCheckRequested> context)
    {
        var askedAt = ParkingHeaders.AskedAtOf(context, time.GetUtcNow());
        // Invalid checks are routed too (to any shard): the check consumer rejects them with a reason.
        var routingKey = context.Message.CustSpaceId ?? "";
        return context.Forward(_hashExchange, Pipe.Execute<SendContext<HealthCheckRequested>>(send =>
        {
            send.SetRoutingKey(routingKey);
            ParkingHeaders.Write(send.Headers, ParkingHeaders.AskedAt, askedAt);
        }));
    }
}

/// <summary>The entry queue's endpoint (RabbitMQ): its documented name, and retries when a forward fails.</summary>
public sealed class ShardRouterDefinition(IOptions<BusOptions> bus) : CheckEndpointDefinition<ShardRouter>(bus);
