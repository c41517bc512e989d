using System.Globalization;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace HealthEvents.Core.Bus;

/// <summary>
/// What earlier versions declared and this one never reads: shard queues (<c>….shard-NN</c>, behind
/// the consistent-hash exchange <c>….shards</c>), the router lease (<c>….router-lease</c>) and two
/// generations of parking levels (<c>….park.NN</c> behind topic exchanges, <c>….delay.NN.qq</c>
/// behind headers exchanges). Start-up names each one still present (<see cref="RabbitMqCheckTopology"/>);
/// <c>healthevents upgrade</c> empties them: checks into the work queue, parked ones into the near
/// parking queue (<see cref="MovesTo"/>), which holds each until its time.
/// </summary>
public static class OldTopology
{
    public static IEnumerable<string> Queues(CheckQueues queues)
    {
        ArgumentNullException.ThrowIfNull(queues);
        var entry = queues.EntryQueue;
        foreach (var shard in Enumerable.Range(0, 64))
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"{entry}.shard-{shard:00}");
        }

        yield return entry + ".router-lease";
        foreach (var level in Levels(queues))
        {
            yield return level;
        }
    }

    /// <summary>Where the upgrade moves what <paramref name="queue"/> holds.</summary>
    public static string MovesTo(CheckQueues queues, string queue)
    {
        ArgumentNullException.ThrowIfNull(queues);
        return Levels(queues).Contains(queue, StringComparer.Ordinal) ? queues.Parking.NearQueue : queues.WorkQueue;
    }

    /// <summary>The exchanges that fed them (each queue's own exchange is named like it, a <c>….delay.NN.qq</c> level's without the suffix).</summary>
    public static IEnumerable<string> Exchanges(CheckQueues queues) =>
    [
        queues.EntryQueue + ".shards", queues.EntryQueue + ".park.deliver", queues.EntryQueue + ".delay.deliver",
        .. Queues(queues), .. Queues(queues).Where(q => q.Contains(".delay.", StringComparison.Ordinal)).Select(q => q[..^3]),
    ];

    // Highest first: a level dead-letters only into the levels below it, so each is emptied after
    // everything that could still expire into it.
    private static IEnumerable<string> Levels(CheckQueues queues)
    {
        foreach (var level in Enumerable.Range(0, 16).Reverse())
        {
            var topic = string.Create(CultureInfo.InvariantCulture, $"{queues.EntryQueue}.park.{level:00}");
            yield return topic;
            yield return topic + ".qq";
            yield return string.Create(CultureInfo.InvariantCulture, $"{queues.EntryQueue}.delay.{level:00}.qq");
        }
    }

    /// <summary>The old queues still on the broker, with how many messages each holds.</summary>
    public static async Task<IReadOnlyList<(string Queue, uint Messages)>> LeftoversAsync(IConnection connection, CheckQueues queues, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var found = new List<(string, uint)>();
        foreach (var queue in Queues(queues))
        {
            // A passive declare of a queue that does not exist closes its channel: one channel per probe.
            await using var probe = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            try
            {
                found.Add((queue, (await probe.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount));
            }
            catch (OperationInterruptedException)
            {
                // Not there: nothing left behind.
            }
        }

        return found;
    }
}
