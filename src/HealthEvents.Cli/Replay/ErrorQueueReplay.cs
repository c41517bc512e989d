using System.Globalization;
using System.Text;
using RabbitMQ.Client;

namespace HealthEvents.Cli.Replay;

/// <summary>
/// Moves messages from an error queue back to the queue checks arrive on. At least once, never
/// lost: each message is fetched unacknowledged, published to the destination with a broker
/// confirm, and only then acknowledged (removed). A message that does not match the filter, or whose
/// copy the broker did not confirm, stays unacknowledged and is returned to the error queue when the
/// replay ends. Only the messages in the queue when it starts are looked at, so a message that faults
/// again during the replay is not replayed twice.
/// </summary>
public sealed class ErrorQueueReplay(IConnection connection, TimeProvider time)
{
    /// <summary>MassTransit's fault headers, dropped from the replayed copy so it reads as a fresh delivery.</summary>
    private static readonly string[] FaultHeaderPrefixes = ["MT-Fault-", "MT-Reason", "MT-Host-", "x-death", "x-first-death-", "x-last-death-"];

    public async Task<ReplayResult> RunAsync(
        string errorQueue, string destinationQueue, ReplayFilter filter, bool dryRun, Action<int, int>? progress, Action<FaultedMessage, bool>? seen, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var channel = await ConfirmedCopy.OpenChannelAsync(connection, cancellationToken);
        var waiting = (await channel.QueueDeclarePassiveAsync(errorQueue, cancellationToken)).MessageCount;
        await channel.QueueDeclarePassiveAsync(destinationQueue, cancellationToken);

        int moved = 0, skipped = 0, failed = 0;
        for (var i = 0; i < waiting; i++)
        {
            if (await channel.BasicGetAsync(errorQueue, autoAck: false, cancellationToken) is not { } delivery)
            {
                break;
            }

            var message = Describe(delivery);
            var match = filter.Matches(message, time.GetUtcNow());
            seen?.Invoke(message, match);
            if (!match || dryRun)
            {
                // Left unacknowledged: it goes back to the error queue when the channel closes.
                skipped++;
            }
            else if (await ConfirmedCopy.TryPublishAsync(channel, destinationQueue, delivery, KeepHeader, cancellationToken))
            {
                await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, cancellationToken);
                moved++;
            }
            else
            {
                failed++;
            }

            progress?.Invoke(i + 1, (int)waiting);
        }

        return new ReplayResult((int)waiting, moved, skipped, failed);
    }

    private static bool KeepHeader(string name) => !FaultHeaderPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));

    private static FaultedMessage Describe(BasicGetResult delivery)
    {
        var headers = delivery.BasicProperties.Headers;
        var (tenant, nodeType) = FaultedMessage.CheckFields(delivery.Body);
        return new FaultedMessage(
            delivery.BasicProperties.MessageId,
            tenant,
            nodeType,
            Header(headers, "MT-Fault-ExceptionType"),
            Header(headers, "MT-Fault-Message") ?? Header(headers, "MT-Reason"),
            DateTimeOffset.TryParse(Header(headers, "MT-Fault-Timestamp"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null);
    }

    private static string? Header(IDictionary<string, object?>? headers, string name) =>
        headers is not null && headers.TryGetValue(name, out var value)
            ? value switch
            {
                byte[] bytes => Encoding.UTF8.GetString(bytes),
                null => null,
                _ => Convert.ToString(value, CultureInfo.InvariantCulture),
            }
            : null;
}

/// <summary>How a replay ended: messages looked at, moved back, left in the error queue (not matching, or a dry run) and failed (left too).</summary>
public sealed record ReplayResult(int Examined, int Moved, int Skipped, int Failed);
