using HealthEvents.Contracts;
using HealthEvents.Core.Bus;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace HealthEvents.Core.Parking;

/// <summary>
/// Parks a check on RabbitMQ: the message is forwarded (same MessageId, reply address and headers)
/// and the broker confirms the copy before the original is acknowledged, so a crash between the
/// two can deliver the check twice, never zero times. It goes to the near parking queue, through
/// the hops a long wait takes first (<see cref="RabbitMqParkingTopology"/>), where a service process
/// holds it until due (<see cref="NearParkedCheckConsumer"/>). Declared at start-up by
/// <see cref="RabbitMqCheckTopology"/>.
/// </summary>
public sealed class RabbitMqParking(CheckQueues queues, TimeProvider time, ILogger<RabbitMqParking> logger) : ICheckParking
{
    public Task ParkAsync(ConsumeContext<HealthCheckRequested> context, ParkingTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        return ForwardAsync(context, ticket.Until - time.GetUtcNow(), ticket.Stamp);
    }

    /// <summary>
    /// A parked check back from a hop with <paramref name="wait"/> still to go, at least the
    /// shortest hop: on through the next, without the dead-letter history the hop gave it.
    /// </summary>
    public Task HopAsync(ConsumeContext<HealthCheckRequested> context, TimeSpan wait) =>
        ForwardAsync(context, wait, send => ParkingHeaders.ClearDeadLetterHistory(send.Headers));

    private Task ForwardAsync(ConsumeContext<HealthCheckRequested> context, TimeSpan wait, Action<SendContext<HealthCheckRequested>> stamp)
    {
        ArgumentNullException.ThrowIfNull(context);
        var hop = RabbitMqParkingTopology.HopFor(wait);
        if (logger.IsEnabled(LogLevel.Debug))
        {
            logger.LogDebug("Check {MessageId} waits {Wait}: {Queue}", context.MessageId, wait, hop is { } h ? queues.Parking.HopQueueName(h) : queues.Parking.NearQueue);
        }

        return context.Forward(queues.Parking.AddressFor(wait), Pipe.Execute(stamp));
    }
}
