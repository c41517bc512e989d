using HealthEvents.Contracts;
using MassTransit;

namespace HealthEvents.Core.Parking;

/// <summary>
/// Parking for the embedded in-memory transport: the message is forwarded to its own input queue
/// with MassTransit's delayed delivery, which that transport keeps in process. Like everything on
/// that transport, a parked check does not survive a restart.
/// </summary>
public sealed class InMemoryParking(TimeProvider time) : ICheckParking
{
    public Task ParkAsync(ConsumeContext<HealthCheckRequested> context, ParkingTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(ticket);
        var delay = ticket.Until - time.GetUtcNow();
        return context.Forward(context.ReceiveContext.InputAddress, Pipe.Execute<SendContext<HealthCheckRequested>>(send =>
        {
            ticket.Stamp(send);
            send.Delay = delay > TimeSpan.Zero ? delay : null;
        }));
    }
}
