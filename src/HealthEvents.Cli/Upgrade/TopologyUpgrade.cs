using HealthEvents.Cli.Replay;
using HealthEvents.Core.Bus;
using RabbitMQ.Client;

namespace HealthEvents.Cli.Upgrade;

/// <summary>
/// Moves a broker from an earlier version's topology (<see cref="OldTopology"/>) to this one's,
/// losing nothing: this version's queues are declared, then what each old queue holds is moved
/// where <see cref="OldTopology.MovesTo"/> says (<see cref="ConfirmedCopy"/>: at least once, never
/// lost; router lease pings are dropped), and each emptied queue and the old exchanges deleted. The
/// entry queue is unchanged. Run it once no instance of an earlier version runs: one would keep
/// routing into the shards or parking into the old levels.
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
            return [.. leftovers.Select(l => new MovedLeftover(l.Queue, l.Messages, OldTopology.MovesTo(queues, l.Queue), 0, 0, Deleted: false))];
        }

        await RabbitMqCheckTopology.DeclareAsync(connection, queues, cancellationToken);
        var results = new List<MovedLeftover>();
        foreach (var (queue, messages) in leftovers)
        {
            results.Add(await EmptyAsync(connection, queue, messages, OldTopology.MovesTo(queues, queue), cancellationToken));
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

    private static async Task<MovedLeftover> EmptyAsync(IConnection connection, string queue, uint messages, string destination, CancellationToken cancellationToken)
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
            else if (await ConfirmedCopy.TryPublishAsync(channel, destination, delivery, _ => true, cancellationToken))
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

        // Deleted only when nothing is left: a copy refused, or a sender still there, keeps the queue.
        // Counted first, because a quorum queue refuses if-empty on delete.
        if ((await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount > 0)
        {
            return new MovedLeftover(queue, messages, destination, moved, dropped, Deleted: false);
        }

        await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false, cancellationToken: cancellationToken);
        return new MovedLeftover(queue, messages, destination, moved, dropped, Deleted: true);
    }

    private static bool IsLeasePing(ReadOnlySpan<byte> body) =>
        body.IndexOf("urn:message:HealthEvents.Core.Bus:RouterLeasePing"u8) >= 0;
}

/// <summary>What the upgrade did with one old queue: messages it held, where they go, how many moved there, dropped (lease pings), and whether it is gone.</summary>
public sealed record MovedLeftover(string Queue, uint Held, string MovesTo, int Moved, int Dropped, bool Deleted);
