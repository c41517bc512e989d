using HealthEvents.Core.Parking;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace HealthEvents.Core.Bus;

/// <summary>
/// Declares, before the bus starts, the work queue and its binding to the published message type
/// (so neither a published nor a parked check is dropped before this process's endpoint exists),
/// the near parking queue and the hops into it (<see cref="RabbitMqParkingTopology"/>). Declarations are idempotent,
/// so every instance declares on start. Then it names what an earlier version left behind
/// (<see cref="OldTopology"/>).
/// </summary>
public sealed class RabbitMqCheckTopology(CheckQueues queues, BrokerConnector broker, ILogger<RabbitMqCheckTopology> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var connection = await broker.ConnectAsync("healthevents-topology", cancellationToken);
        await DeclareAsync(connection, queues, cancellationToken);
        foreach (var (queue, messages) in await OldTopology.LeftoversAsync(connection, queues, cancellationToken))
        {
            logger.LogWarning(
                "{Queue} is from an earlier version (shards and router lease) and receives nothing from this one; it holds {Count} messages. Run `healthevents upgrade` once no instance of an earlier version runs",
                queue, messages);
        }

        logger.LogInformation("Broker topology ready: {Entry} → {Work} (single active consumer), parking {Near} with {Hops} hops from {Shortest} s",
            queues.EntryQueue, queues.WorkQueue, queues.Parking.NearQueue, RabbitMqParkingTopology.Hops, RabbitMqParkingTopology.ShortestHop.TotalSeconds);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The work queue and parking, as this version declares them.</summary>
    public static async Task DeclareAsync(IConnection connection, CheckQueues queues, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(queues);
        var parking = queues.Parking;
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);

        // Declared with the arguments its endpoint declares it with, and its exchange named and
        // typed as MassTransit names its endpoints' exchanges.
        await DeclareWithExchangeAsync(channel, queues.WorkQueue, CheckQueues.WorkQueueArguments.ToDictionary(a => a.Key, a => (object?)a.Value), cancellationToken);
        // Published checks go straight to the work queue. Earlier versions bound the entry queue to
        // the published type instead; bound first, unbound second, so no check published meanwhile
        // is dropped (one could arrive twice, which its derived answer ids absorb).
        await channel.ExchangeDeclareAsync(CheckQueues.PublishedExchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.ExchangeBindAsync(queues.WorkQueue, CheckQueues.PublishedExchange, "", cancellationToken: cancellationToken);
        await channel.ExchangeDeclareAsync(queues.EntryQueue, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.ExchangeUnbindAsync(queues.EntryQueue, CheckQueues.PublishedExchange, "", cancellationToken: cancellationToken);
        await DeclareWithExchangeAsync(channel, parking.NearQueue, new Dictionary<string, object?> { [CheckQueues.SingleActiveConsumerArgument] = true }, cancellationToken);
        for (var hop = 0; hop < RabbitMqParkingTopology.Hops; hop++)
        {
            await DeclareWithExchangeAsync(channel, parking.HopQueueName(hop), new Dictionary<string, object?>
            {
                ["x-queue-type"] = "quorum",
                ["x-message-ttl"] = (long)RabbitMqParkingTopology.HopTtl(hop).TotalMilliseconds,
                // Into the near queue's exchange; at-least-once: the expired check stays until the near queue confirms it.
                ["x-dead-letter-exchange"] = parking.NearQueue,
                ["x-dead-letter-strategy"] = "at-least-once",
                ["x-overflow"] = "reject-publish",
            }, cancellationToken);
        }
    }

    private static async Task DeclareWithExchangeAsync(IChannel channel, string queue, Dictionary<string, object?> arguments, CancellationToken cancellationToken)
    {
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments: arguments, cancellationToken: cancellationToken);
        await channel.ExchangeDeclareAsync(queue, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(queue, queue, "", cancellationToken: cancellationToken);
    }
}
