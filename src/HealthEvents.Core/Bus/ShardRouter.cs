using HealthEvents.Contracts;
using HealthEvents.Core.Budgets;
using HealthEvents.Core.HealthChecks;
using HealthEvents.Core.Parking;
using HealthEvents.Core.Telemetry;
using MassTransit;
using Microsoft.Extensions.Options;

namespace HealthEvents.Core.Bus;

/// <summary>
/// Consumes the entry queue (what senders publish or send to). A check whose tenant's shard this
/// process owns right now (<see cref="ShardOwnership"/>) runs here at once, as that shard's owner,
/// unless its tenant's backlog is longer than <c>Bus:NearParkingHorizon</c>: with one instance,
/// that is every tenant seen before, and the check skips a trip through the broker. Any other
/// check is forwarded, unchanged, into the consistent-hash exchange with its <c>CustSpaceId</c> as
/// routing key, so every check of a tenant lands in the same shard queue; the original is
/// acknowledged only after the broker confirmed the copy. A flooding tenant's checks are forwarded
/// because parking them for long is the shard's work: the flood then drains from the entry queue
/// at forwarding speed, and the other tenants' checks behind it there wait no longer than that.
/// Every instance routes. The check keeps when it was first asked.
/// </summary>
public sealed class ShardRouter(
    CheckQueues queues,
    ShardOwnership ownership,
    GraphBudget budget,
    IOptions<BusOptions> bus,
    HealthCheckRequestedConsumer checks,
    HealthEventsMetrics metrics,
    TimeProvider time)
    : IConsumer<HealthCheckRequested>
{
    public Task Consume(ConsumeContext<HealthCheckRequested> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var custSpaceId = context.Message.CustSpaceId;
        if (ownership.TryOwnedShardOf(custSpaceId, out var shard) && budget.Backlog(custSpaceId) <= bus.Value.NearParkingHorizon)
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
