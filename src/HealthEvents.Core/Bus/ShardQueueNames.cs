using MassTransit;

namespace HealthEvents.Core.Bus;

/// <summary>
/// Faulted and skipped checks of every shard (and of the near parking queue) land in the entry queue's <c>_error</c> and
/// <c>_skipped</c> queues: one place for operators to look and to replay from (replayed checks
/// re-enter through the router and find their shard again).
/// </summary>
public sealed class ShardQueueNames(CheckQueues queues) : IErrorQueueNameFormatter, IDeadLetterQueueNameFormatter
{
    public string FormatErrorQueueName(string queueName) => EntryFor(queueName) + "_error";

    public string FormatDeadLetterQueueName(string queueName) => EntryFor(queueName) + "_skipped";

    private string EntryFor(string queueName) =>
        queues.Shards.Contains(queueName) || queueName == queues.Parking.NearQueue ? queues.EntryQueue : queueName;
}
