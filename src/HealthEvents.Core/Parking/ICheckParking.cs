using HealthEvents.Contracts;
using MassTransit;

namespace HealthEvents.Core.Parking;

/// <summary>
/// Takes a check out of the consumer (and the front of its queue) at once and brings the same
/// message (same MessageId, reply address and headers) back to the queue checks run from at
/// <see cref="ParkingTicket.Until"/>, not read again before then. RabbitMQ does it with delay
/// queues (<see cref="RabbitMqParking"/>); the in-memory transport with its own delayed delivery.
/// </summary>
public interface ICheckParking
{
    Task ParkAsync(ConsumeContext<HealthCheckRequested> context, ParkingTicket ticket);
}
