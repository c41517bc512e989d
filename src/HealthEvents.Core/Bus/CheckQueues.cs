using HealthEvents.Contracts;
using HealthEvents.Core.Parking;
using MassTransit;

namespace HealthEvents.Core.Bus;

/// <summary>
/// The queues checks travel through on RabbitMQ, each name and address built here only.
/// <list type="bullet">
/// <item><see cref="WorkQueue"/> (<c>health-check-requested.work</c>): a quorum queue with a single
/// active consumer, bound to the published message type. Every instance subscribes; the broker
/// delivers to one, and hands the queue to the next when that one goes. Checks run only here, and
/// parked checks come back here.</item>
/// <item><see cref="EntryQueue"/> (<c>health-check-requested</c>): what senders send to directly. A
/// plain durable queue, because MassTransit senders declare it exactly so when they send to
/// <c>queue:health-check-requested</c> (RabbitMQ refuses a declaration whose arguments differ).
/// Every instance reads it and moves each check, unchanged, into the work queue.</item>
/// </list>
/// Faulted and skipped checks of every endpoint land in the entry queue's <c>_error</c> and
/// <c>_skipped</c> queues: one place to look, and to replay from.
/// </summary>
public sealed class CheckQueues : IErrorQueueNameFormatter, IDeadLetterQueueNameFormatter
{
    /// <summary>The work queue's arguments, for every declaration of it (MassTransit's and the topology's must match).</summary>
    public static readonly IReadOnlyDictionary<string, object> WorkQueueArguments = new Dictionary<string, object>
    {
        ["x-queue-type"] = "quorum",
        [SingleActiveConsumerArgument] = true,
    };

    /// <summary>RabbitMQ's single active consumer queue argument.</summary>
    public const string SingleActiveConsumerArgument = "x-single-active-consumer";

    public CheckQueues(string entryQueue)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(entryQueue);
        EntryQueue = entryQueue;
        EntryAddress = EntryAddressOf(entryQueue);
        WorkAddress = WorkAddressOf(entryQueue);
        Parking = new RabbitMqParkingTopology(entryQueue);
    }

    /// <summary>Where a sender outside the service (the CLI's <c>check</c>) sends a check: the entry queue, declared as any MassTransit sender declares it.</summary>
    public static Uri EntryAddressOf(BusOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return EntryAddressOf(options.QueueName);
    }

    private static Uri EntryAddressOf(string entryQueue) => new($"queue:{entryQueue}");

    private static Uri WorkAddressOf(string entryQueue) => ExchangeAddressOf(entryQueue + WorkSuffix);

    /// <summary>
    /// Where a queue declared with arguments is sent to: its own fanout exchange. A queue: address
    /// would have MassTransit declare the queue without its arguments, which the broker refuses.
    /// </summary>
    public static Uri ExchangeAddressOf(string queue) => new($"exchange:{queue}?type=fanout&durable=true");

    public static CheckQueues From(BusOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new CheckQueues(options.QueueName);
    }

    public string EntryQueue { get; }

    /// <summary>The entry queue's address (<see cref="EntryAddressOf(BusOptions)"/>).</summary>
    public Uri EntryAddress { get; }

    public string WorkQueue => EntryQueue + WorkSuffix;

    private const string WorkSuffix = ".work";

    /// <summary>MassTransit's exchange for the published <c>HealthCheckRequested</c> (its default entity name), bound to the work queue.</summary>
    public static string PublishedExchange { get; } = $"{typeof(HealthCheckRequested).Namespace}:{nameof(HealthCheckRequested)}";

    /// <summary>
    /// Where the service's own senders (HTTP, webhooks, the scheduled refresh) send a check: on
    /// RabbitMQ straight into the work queue, whose topology the service declared before its bus
    /// started; on the in-memory transport the entry queue, which is where checks run there.
    /// </summary>
    public static Uri InProcessAddressOf(BusOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Transport == BusTransport.RabbitMq ? WorkAddressOf(options.QueueName) : EntryAddressOf(options);
    }

    /// <summary>Where checks are moved to run: the work queue's exchange.</summary>
    public Uri WorkAddress { get; }

    /// <summary>Where parked checks wait on RabbitMQ (named after the entry queue).</summary>
    public RabbitMqParkingTopology Parking { get; }

    /// <summary>Removes the work queue's arguments from a queue declared after it (the error and skipped queues).</summary>
    public static void PlainQueue(IRabbitMqQueueBindingConfigurator queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        foreach (var argument in WorkQueueArguments.Keys)
        {
            queue.SetQueueArgument(argument, null);
        }
    }

    public string FormatErrorQueueName(string queueName) => EntryFor(queueName) + "_error";

    public string FormatDeadLetterQueueName(string queueName) => EntryFor(queueName) + "_skipped";

    private string EntryFor(string queueName) => queueName == WorkQueue || queueName == Parking.NearQueue ? EntryQueue : queueName;
}
