using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace HealthEvents.Cli.Replay;

/// <summary>
/// How the operators' tool moves a message between queues without losing it: fetched
/// unacknowledged, published to the destination on a channel with tracked confirmations, and only
/// then acknowledged by the caller. A copy the broker refused leaves the original in place.
/// </summary>
public static class ConfirmedCopy
{
    public static Task<IChannel> OpenChannelAsync(IConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
    }

    /// <summary>Publishes a persistent copy of <paramref name="delivery"/> (with the headers <paramref name="keepHeader"/> keeps) to <paramref name="destinationQueue"/>; false when the broker refused it.</summary>
    public static async Task<bool> TryPublishAsync(IChannel channel, string destinationQueue, BasicGetResult delivery, Func<string, bool> keepHeader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(delivery);
        var properties = new BasicProperties(delivery.BasicProperties)
        {
            Headers = delivery.BasicProperties.Headers?.Where(h => keepHeader(h.Key)).ToDictionary(h => h.Key, h => h.Value),
            Persistent = true,
        };
        try
        {
            // With confirmations tracked, this returns once the broker has the copy, and throws when it refuses it.
            await channel.BasicPublishAsync("", destinationQueue, mandatory: true, properties, delivery.Body, cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is PublishException or OperationInterruptedException)
        {
            return false;
        }
    }
}
