using System.Globalization;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace HealthEvents.Core.Bus;

/// <summary>
/// What earlier versions declared and this one never reads: shard queues (<c>….shard-NN</c>, behind
/// the consistent-hash exchange <c>….shards</c>), the router lease (<c>….router-lease</c>) and the
/// topic-exchange parking levels (<c>….park.NN</c>). Start-up names each one still present
/// (<see cref="RabbitMqCheckTopology"/>); <c>healthevents upgrade</c> empties them into the work queue.
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
        foreach (var level in Enumerable.Range(0, 16))
        {
            var classic = string.Create(CultureInfo.InvariantCulture, $"{entry}.park.{level:00}");
            yield return classic;
            yield return classic + ".qq";
        }
    }

    /// <summary>The exchanges that fed them (each queue's own exchange is named like it).</summary>
    public static IEnumerable<string> Exchanges(CheckQueues queues) =>
        [queues.EntryQueue + ".shards", queues.EntryQueue + ".park.deliver", .. Queues(queues)];

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
