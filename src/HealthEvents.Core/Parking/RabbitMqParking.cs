using HealthEvents.Contracts;
using HealthEvents.Core.Bus;
using MassTransit;
using Microsoft.Extensions.Options;

namespace HealthEvents.Core.Parking;

/// <summary>
/// Parks a check in the delay levels of <see cref="RabbitMqParkingTopology"/> (declared at start-up
/// by <see cref="RabbitMqCheckTopology"/>): the message is forwarded (same MessageId, reply address
/// and headers) to the entry exchange with a routing key that spells the delay and the shard queue
/// it belongs to, and the broker confirms the copy before the original is acknowledged. A crash
/// between the two can deliver the check twice, never zero times.
/// </summary>
public sealed class RabbitMqParking(IOptions<BusOptions> bus, TimeProvider time) : ICheckParking
{
    private readonly Uri _entry = new($"exchange:{new RabbitMqParkingTopology(bus.Value.QueueName).EntryExchange}?type=topic&durable=true");

    public async Task ParkAsync(ConsumeContext<HealthCheckRequested> context, Uri queue, ParkingTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(ticket);
        var routingKey = RabbitMqParkingTopology.RoutingKey(ticket.Until - time.GetUtcNow(), QueueOf(queue));
        await context.Forward(_entry, Pipe.Execute<SendContext<HealthCheckRequested>>(send =>
        {
            ticket.Stamp(send);
            send.SetRoutingKey(routingKey);
        }));
    }

    /// <summary>The queue name in a MassTransit RabbitMQ address (<c>rabbitmq://host/vhost/queue?…</c>).</summary>
    private static string QueueOf(Uri inputAddress) => Uri.UnescapeDataString(inputAddress.Segments[^1]);
}
