using HealthEvents.Contracts;
using HealthEvents.Core.Bus;
using MassTransit;
using Microsoft.Extensions.Options;

namespace HealthEvents.Core.Parking;

/// <summary>
/// Parks a check on RabbitMQ: the message is forwarded (same MessageId, reply address and headers)
/// and the broker confirms the copy before the original is acknowledged, so a crash between the
/// two can deliver the check twice, never zero times. A short wait (up to
/// <c>Bus:NearParkingHorizon</c>) goes to the near parking queue, where a service process holds it
/// until due (<see cref="NearParkedCheckConsumer"/>); a longer one goes through the delay levels of
/// <see cref="RabbitMqParkingTopology"/>, with headers that spell the delay. Both lead back to the
/// work queue, and are declared at start-up by <see cref="RabbitMqCheckTopology"/>.
/// </summary>
public sealed class RabbitMqParking(CheckQueues queues, IOptions<BusOptions> bus, TimeProvider time) : ICheckParking
{
    public async Task ParkAsync(ConsumeContext<HealthCheckRequested> context, ParkingTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(ticket);
        var delay = ticket.Until - time.GetUtcNow();
        var near = delay <= bus.Value.NearParkingHorizon;
        await context.Forward(near ? queues.Parking.NearExchangeAddress : queues.Parking.EntryAddressFor(delay), Pipe.Execute<SendContext<HealthCheckRequested>>(send =>
        {
            ticket.Stamp(send);
            if (!near)
            {
                foreach (var (name, bit) in RabbitMqParkingTopology.DelayHeaders(delay))
                {
                    send.Headers.Set(name, bit);
                }
            }
        }));
    }
}
