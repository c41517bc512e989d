using HealthEvents.Cli.Replay;
using HealthEvents.Core.Bus;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace HealthEvents.Cli.Upgrade;

/// <summary>
/// Moves a broker from an earlier version's topology (<see cref="OldTopology"/>) to this one's,
/// losing nothing: this version's queues are declared, then what each old queue holds is moved
/// into the work queue (<see cref="ConfirmedCopy"/>: at least once, never lost; router lease pings
/// are dropped), and each emptied queue and the old exchanges deleted. The entry queue and the
/// delay levels are unchanged. Run it once no instance of an earlier version runs: one would keep
/// routing into the shards.
/// </summary>
public static class TopologyUpgrade
{
    public static async Task<IReadOnlyList<MovedLeftover>> RunAsync(IConnection connection, CheckQueues queues, bool dryRun, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(queues);
        var leftovers = await OldTopology.LeftoversAsync(connection, queues, cancellationToken);
        if (dryRun)
        {
            return [.. leftovers.Select(l => new MovedLeftover(l.Queue, l.Messages, 0, 0, Deleted: false))];
        }

        await RabbitMqCheckTopology.DeclareAsync(connection, queues, cancellationToken);
        var results = new List<MovedLeftover>();
        foreach (var (queue, messages) in leftovers)
        {
            results.Add(await EmptyAsync(connection, queue, messages, queues.WorkQueue, cancellationToken));
        }

        if (results.All(r => r.Deleted))
        {
            await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            foreach (var exchange in OldTopology.Exchanges(queues))
            {
                await channel.ExchangeDeleteAsync(exchange, ifUnused: false, cancellationToken: cancellationToken);
            }
        }

        return results;
    }

    private static async Task<MovedLeftover> EmptyAsync(IConnection connection, string queue, uint messages, string workQueue, CancellationToken cancellationToken)
    {
        await using var channel = await ConfirmedCopy.OpenChannelAsync(connection, cancellationToken);
        int moved = 0, dropped = 0;
        // Only what it held at the start: an instance still sending to it would otherwise keep this going.
        for (var i = 0; i < messages && await channel.BasicGetAsync(queue, autoAck: false, cancellationToken) is { } delivery; i++)
        {
            if (IsLeasePing(delivery.Body.Span))
            {
                dropped++;
            }
            else if (await ConfirmedCopy.TryPublishAsync(channel, workQueue, delivery, _ => true, cancellationToken))
            {
                moved++;
            }
            else
            {
                // Refused: left unacknowledged, it returns to the old queue, which is then not deleted.
                continue;
            }

            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, cancellationToken);
        }

        try
        {
            await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: true, cancellationToken: cancellationToken);
            return new MovedLeftover(queue, messages, moved, dropped, Deleted: true);
        }
        catch (OperationInterruptedException)
        {
            // Not empty after all: a copy was refused, or something still sends to it.
            return new MovedLeftover(queue, messages, moved, dropped, Deleted: false);
        }
    }

    private static bool IsLeasePing(ReadOnlySpan<byte> body) =>
        body.IndexOf("urn:message:HealthEvents.Core.Bus:RouterLeasePing"u8) >= 0;
}

/// <summary>What the upgrade did with one old queue: messages it held, moved into the work queue, dropped (lease pings), and whether it is gone.</summary>
public sealed record MovedLeftover(string Queue, uint Held, int Moved, int Dropped, bool Deleted);
