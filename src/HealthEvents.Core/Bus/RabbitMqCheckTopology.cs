using HealthEvents.Core.Parking;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace HealthEvents.Core.Bus;

/// <summary>
/// Declares, before the bus starts, the work queue and its binding to the published message type
/// (so neither a published nor a parked check is dropped before this process's endpoint exists),
/// the near parking queue, and the delay levels with their way back to the work queue. Declarations are idempotent,
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

        logger.LogInformation("Broker topology ready: {Entry} → {Work} (single active consumer), {Levels} parking levels of {Unit} ms up to {Max}",
            queues.EntryQueue, queues.WorkQueue, RabbitMqParkingTopology.Levels, RabbitMqParkingTopology.Unit.TotalMilliseconds, RabbitMqParkingTopology.MaxDelay);
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

        await channel.ExchangeDeclareAsync(parking.DeliverExchange, ExchangeType.Headers, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(queues.WorkQueue, parking.DeliverExchange, "", RabbitMqParkingTopology.DeliverEverything(), cancellationToken: cancellationToken);
        // Earlier versions also routed checks that named no shard back to the entry queue; with the
        // binding above that would deliver them twice.
        await channel.ExchangeUnbindAsync(queues.EntryQueue, parking.DeliverExchange, "",
            new Dictionary<string, object?> { ["x-match"] = "all", ["HealthEvents-ReturnTo"] = queues.EntryQueue }, cancellationToken: cancellationToken);

        for (var level = 0; level < RabbitMqParkingTopology.Levels; level++)
        {
            var exchange = parking.LevelName(level);
            var queue = parking.LevelQueueName(level);
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Headers, durable: true, autoDelete: false, cancellationToken: cancellationToken);
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?>
            {
                ["x-queue-type"] = "quorum",
                ["x-message-ttl"] = (long)RabbitMqParkingTopology.LevelTtl(level).TotalMilliseconds,
                ["x-dead-letter-exchange"] = parking.Below(level),
                // At-least-once dead-lettering: the expired check stays until the next level confirms it.
                ["x-dead-letter-strategy"] = "at-least-once",
                ["x-overflow"] = "reject-publish",
            }, cancellationToken: cancellationToken);
            await channel.QueueBindAsync(queue, exchange, "", RabbitMqParkingTopology.LevelBinding(level, '1'), cancellationToken: cancellationToken);
        }

        // Bound after every level exists, lowest first, so a 0 bit always has somewhere to go.
        for (var level = 0; level < RabbitMqParkingTopology.Levels; level++)
        {
            await channel.ExchangeBindAsync(parking.Below(level), parking.LevelName(level), "", RabbitMqParkingTopology.LevelBinding(level, '0'), cancellationToken: cancellationToken);
        }
    }

    private static async Task DeclareWithExchangeAsync(IChannel channel, string queue, Dictionary<string, object?> arguments, CancellationToken cancellationToken)
    {
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments: arguments, cancellationToken: cancellationToken);
        await channel.ExchangeDeclareAsync(queue, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(queue, queue, "", cancellationToken: cancellationToken);
    }
}
