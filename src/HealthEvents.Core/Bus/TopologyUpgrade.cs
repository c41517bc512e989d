using System.Globalization;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace HealthEvents.Core.Bus;

/// <summary>
/// Moves a broker from an earlier version's topology to this one's, losing nothing. Earlier
/// versions spread checks over shard queues (<c>….shard-NN</c>, behind the consistent-hash exchange
/// <c>….shards</c>), elected a router with lease pings (<c>….router-lease</c>), and parked through
/// topic-exchange levels (<c>….park.NN</c>). This version reads none of them: what they hold is
/// moved into the work queue (each message published with a broker confirm before it is
/// acknowledged, so at least once, never lost; lease pings are dropped), and each emptied queue and
/// its exchange deleted. The entry queue and the delay levels (<c>….delay.NN</c>) are unchanged.
/// Run it once no instance of an earlier version runs: one would keep routing into the shards.
/// </summary>
public static class TopologyUpgrade
{
    private const int MaxShards = 64;
    private const int OldParkingLevels = 16;

    /// <summary>Every queue an earlier version may have left, that this version never reads.</summary>
    public static IEnumerable<string> OldQueues(CheckQueues queues)
    {
        ArgumentNullException.ThrowIfNull(queues);
        var entry = queues.EntryQueue;
        foreach (var shard in Enumerable.Range(0, MaxShards))
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"{entry}.shard-{shard:00}");
        }

        yield return entry + ".router-lease";
        foreach (var level in Enumerable.Range(0, OldParkingLevels))
        {
            var classic = string.Create(CultureInfo.InvariantCulture, $"{entry}.park.{level:00}");
            yield return classic;
            yield return classic + ".qq";
        }
    }

    /// <summary>The exchanges that fed them (a queue's own exchange is deleted with it).</summary>
    private static IEnumerable<string> OldExchanges(CheckQueues queues) =>
        [queues.EntryQueue + ".shards", queues.EntryQueue + ".park.deliver", .. OldQueues(queues)];

    /// <summary>The old queues still on the broker, with how many messages each holds.</summary>
    public static async Task<IReadOnlyList<(string Queue, uint Messages)>> LeftoversAsync(IConnection connection, CheckQueues queues, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var found = new List<(string, uint)>();
        foreach (var queue in OldQueues(queues))
        {
            if (await MessageCountIfPresentAsync(connection, queue, cancellationToken) is { } messages)
            {
                found.Add((queue, messages));
            }
        }

        return found;
    }

    /// <summary>
    /// Declares this version's topology, then empties every old queue into the work queue and
    /// deletes it. A queue that could not be emptied (a copy the broker did not confirm, or new
    /// messages arriving from an instance still running) is left in place and reported.
    /// </summary>
    public static async Task<IReadOnlyList<MovedLeftover>> RunAsync(IConnection connection, CheckQueues queues, bool dryRun, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(queues);
        var leftovers = await LeftoversAsync(connection, queues, cancellationToken);
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
            foreach (var exchange in OldExchanges(queues))
            {
                await channel.ExchangeDeleteAsync(exchange, ifUnused: false, cancellationToken: cancellationToken);
            }
        }

        return results;
    }

    private static async Task<MovedLeftover> EmptyAsync(IConnection connection, string queue, uint messages, string workQueue, CancellationToken cancellationToken)
    {
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        int moved = 0, dropped = 0;
        // Only what it held at the start: an instance still sending to it would otherwise keep this going.
        for (var i = 0; i < messages && await channel.BasicGetAsync(queue, autoAck: false, cancellationToken) is { } delivery; i++)
        {
            if (IsLeasePing(delivery.Body.Span))
            {
                dropped++;
            }
            else
            {
                // With confirmations tracked this returns once the broker has the copy, and throws when it refuses it.
                await channel.BasicPublishAsync("", workQueue, mandatory: true, new BasicProperties(delivery.BasicProperties), delivery.Body, cancellationToken);
                moved++;
            }

            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, cancellationToken);
        }

        var deleted = true;
        try
        {
            await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: true, cancellationToken: cancellationToken);
        }
        catch (OperationInterruptedException)
        {
            // Not empty after all: something still sends to it.
            deleted = false;
        }

        return new MovedLeftover(queue, messages, moved, dropped, deleted);
    }

    private static bool IsLeasePing(ReadOnlySpan<byte> body) =>
        body.IndexOf("urn:message:HealthEvents.Core.Bus:RouterLeasePing"u8) >= 0;

    /// <summary>How many messages <paramref name="queue"/> holds, or null when there is no such queue.</summary>
    private static async Task<uint?> MessageCountIfPresentAsync(IConnection connection, string queue, CancellationToken cancellationToken)
    {
        // A passive declare of a queue that does not exist closes its channel: one channel per probe.
        await using var probe = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            return (await probe.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount;
        }
        catch (OperationInterruptedException)
        {
            return null;
        }
    }
}

/// <summary>What the upgrade did with one old queue: messages it held, moved into the work queue, dropped (lease pings), and whether it is gone.</summary>
public sealed record MovedLeftover(string Queue, uint Held, int Moved, int Dropped, bool Deleted);
