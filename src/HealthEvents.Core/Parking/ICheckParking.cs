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

/// <summary>Until when a check is parked and what it carries back (see <see cref="ParkingHeaders"/>).</summary>
public sealed record ParkingTicket(
    DateTimeOffset Until, DateTimeOffset? Slot, DateTimeOffset ParkedSince, DateTimeOffset AskedAt, string Reason, DateTimeOffset? UpstreamFailingSince = null)
{
    /// <summary>Sets the parking headers on the copy that is parked.</summary>
    public void Stamp(SendContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ParkingHeaders.Write(context.Headers, ParkingHeaders.Slot, Slot);
        ParkingHeaders.Write(context.Headers, ParkingHeaders.ParkedSince, ParkedSince);
        ParkingHeaders.Write(context.Headers, ParkingHeaders.AskedAt, AskedAt);
        ParkingHeaders.Write(context.Headers, ParkingHeaders.ParkedUntil, Until);
        ParkingHeaders.Write(context.Headers, ParkingHeaders.UpstreamFailingSince, UpstreamFailingSince);
        context.Headers.Set(ParkingHeaders.Reason, Reason);

        // A copy that still carried RabbitMQ's dead-letter history would look like a dead-letter
        // cycle the next time it passes a delay level it has passed before, and the broker drops those.
        foreach (var header in DeadLetterHistory)
        {
            context.Headers.Set(header, null);
        }
    }

    private static readonly string[] DeadLetterHistory =
    [
        "x-death", "x-first-death-exchange", "x-first-death-queue", "x-first-death-reason",
        "x-last-death-exchange", "x-last-death-queue", "x-last-death-reason",
    ];
}
