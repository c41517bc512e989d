using HealthEvents.Core.Parking;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace HealthEvents.Core.Bus;

/// <summary>
/// Declares, before the bus starts, the broker objects MassTransit does not: the consistent-hash
/// exchange and its shard queues (single active consumer), the near parking queue, and the parking
/// levels with their way back to each shard. Declared up front because the router forwards into the hash exchange: a
/// binding missing at that moment would silently drop a check. Declarations are idempotent, so
/// every instance declares on start.
/// </summary>
public sealed class RabbitMqCheckTopology(IOptions<BusOptions> bus, BrokerConnector broker, ILogger<RabbitMqCheckTopology> logger) : IHostedService
{
    /// <summary>The queue argument MassTransit must declare the shard queues with too (RabbitMQ refuses a mismatch).</summary>
    public static readonly KeyValuePair<string, object> SingleActiveConsumer = new("x-single-active-consumer", true);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var queues = CheckQueues.From(bus.Value);
        var parking = queues.Parking;
        await using var connection = await broker.ConnectAsync("healthevents-topology", cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);

        await channel.ExchangeDeclareAsync(queues.HashExchange, "x-consistent-hash", durable: true, autoDelete: false, cancellationToken: cancellationToken);
        foreach (var shard in queues.Shards)
        {
            await channel.QueueDeclareAsync(shard, durable: true, exclusive: false, autoDelete: false,
                arguments: new Dictionary<string, object?> { [SingleActiveConsumer.Key] = SingleActiveConsumer.Value }, cancellationToken: cancellationToken);
            await channel.QueueBindAsync(shard, queues.HashExchange, CheckQueues.ShardBindingKey, cancellationToken: cancellationToken);
        }

        await DeclareParkingAsync(connection, channel, parking, queues, cancellationToken);
        await UnbindSurplusShardsAsync(connection, queues, cancellationToken);
        logger.LogInformation("Broker topology ready: {Shards} shard queues behind {Exchange}, {Levels} parking levels of {Unit} ms up to {Max}",
            queues.Shards.Count, queues.HashExchange, RabbitMqParkingTopology.Levels, RabbitMqParkingTopology.Unit.TotalMilliseconds, RabbitMqParkingTopology.MaxDelay);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task DeclareParkingAsync(IConnection connection, IChannel channel, RabbitMqParkingTopology parking, CheckQueues queues, CancellationToken cancellationToken)
    {
        await channel.ExchangeDeclareAsync(parking.DeliverExchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        foreach (var shard in queues.Shards)
        {
            await channel.QueueBindAsync(shard, parking.DeliverExchange, RabbitMqParkingTopology.DeliveryPattern(shard), cancellationToken: cancellationToken);
        }

        // Declared with the arguments its endpoint declares it with: a check may be parked here
        // before this process's near endpoint has started.
        await channel.QueueDeclareAsync(parking.NearQueue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { [SingleActiveConsumer.Key] = SingleActiveConsumer.Value }, cancellationToken: cancellationToken);
        // Parking sends through the queue's own exchange, named and typed as MassTransit names its endpoints' exchanges.
        await channel.ExchangeDeclareAsync(parking.NearQueue, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(parking.NearQueue, parking.NearQueue, "", cancellationToken: cancellationToken);

        // Checks parked by a version that parked from the entry queue itself still find their way back.
        await channel.ExchangeDeclareAsync(queues.EntryQueue, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.ExchangeBindAsync(queues.EntryQueue, parking.DeliverExchange, RabbitMqParkingTopology.DeliveryPattern(queues.EntryQueue), cancellationToken: cancellationToken);

        for (var level = 0; level < RabbitMqParkingTopology.Levels; level++)
        {
            var exchange = parking.LevelName(level);
            var queue = parking.LevelQueueName(level);
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken);
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?>
            {
                ["x-queue-type"] = "quorum",
                ["x-message-ttl"] = (long)RabbitMqParkingTopology.LevelTtl(level).TotalMilliseconds,
                ["x-dead-letter-exchange"] = parking.Below(level),
                // At-least-once dead-lettering: the expired check stays until the next level confirms it.
                ["x-dead-letter-strategy"] = "at-least-once",
                ["x-overflow"] = "reject-publish",
            }, cancellationToken: cancellationToken);
            await channel.QueueBindAsync(queue, exchange, RabbitMqParkingTopology.Pattern(level, '1'), cancellationToken: cancellationToken);
        }

        await RetireClassicLevelsAsync(connection, parking, cancellationToken);

        // Bound after every level exists, lowest first, so a 0 bit always has somewhere to go.
        for (var level = 0; level < RabbitMqParkingTopology.Levels; level++)
        {
            await channel.ExchangeBindAsync(parking.Below(level), parking.LevelName(level), RabbitMqParkingTopology.Pattern(level, '0'), cancellationToken: cancellationToken);
        }
    }

    /// <summary>
    /// Versions before the quorum levels parked in classic queues named like the level exchanges.
    /// Such a queue is unbound (nothing new enters it) but left in place: what it still holds
    /// expires into the levels below as before. Delete it once it is empty.
    /// </summary>
    private async Task RetireClassicLevelsAsync(IConnection connection, RabbitMqParkingTopology parking, CancellationToken cancellationToken)
    {
        for (var level = 0; level < RabbitMqParkingTopology.Levels; level++)
        {
            var old = parking.LevelName(level);
            await UnbindIfPresentAsync(connection, old, old, RabbitMqParkingTopology.Pattern(level, '1'), left => logger.LogWarning(
                "Parking level queue {Queue} (classic, from an earlier version) no longer receives checks; the {Count} it holds return as they expire. Delete it once it is empty",
                old, left), cancellationToken);
        }
    }

    /// <summary>
    /// After the shard count was lowered, the extra shard queues must receive nothing new: unbind
    /// them, and say how many checks they still hold (they are not consumed; move them with the
    /// broker's shovel or the CLI's replay).
    /// </summary>
    private async Task UnbindSurplusShardsAsync(IConnection connection, CheckQueues queues, CancellationToken cancellationToken)
    {
        foreach (var shard in queues.SurplusShards)
        {
            await UnbindIfPresentAsync(connection, shard, queues.HashExchange, CheckQueues.ShardBindingKey, left => logger.LogWarning(
                "Shard queue {Queue} is beyond Bus:Shards={Shards} and no longer receives checks; it still holds {Count} messages",
                shard, queues.Shards.Count, left), cancellationToken);
        }
    }

    /// <summary>Unbinds <paramref name="queue"/> when it exists, then reports how many messages it still holds.</summary>
    private static async Task UnbindIfPresentAsync(
        IConnection connection, string queue, string exchange, string routingKey, Action<uint> report, CancellationToken cancellationToken)
    {
        // A passive declare of a queue that does not exist closes its channel: one channel per probe.
        await using var probe = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            var existing = await probe.QueueDeclarePassiveAsync(queue, cancellationToken);
            await probe.QueueUnbindAsync(queue, exchange, routingKey, cancellationToken: cancellationToken);
            report(existing.MessageCount);
        }
        catch (OperationInterruptedException)
        {
            // No such queue: nothing to unbind.
        }
    }
}
