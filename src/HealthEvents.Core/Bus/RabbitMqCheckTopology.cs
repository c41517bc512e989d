using System.Globalization;
using HealthEvents.Core.Parking;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
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
public sealed class RabbitMqCheckTopology(CheckQueues queues, BrokerConnector broker, ILogger<RabbitMqCheckTopology> logger) : IHostedService
{
    /// <summary>The queue argument MassTransit must declare the shard queues with too (RabbitMQ refuses a mismatch).</summary>
    public static readonly KeyValuePair<string, object> SingleActiveConsumer = new("x-single-active-consumer", true);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
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

        await DeclareParkingAsync(channel, parking, queues, cancellationToken);
        await ReportEarlierLevelsAsync(connection, queues.EntryQueue, cancellationToken);
        await UnbindSurplusShardsAsync(connection, queues, cancellationToken);
        logger.LogInformation("Broker topology ready: {Shards} shard queues behind {Exchange}, {Levels} parking levels of {Unit} ms up to {Max}",
            queues.Shards.Count, queues.HashExchange, RabbitMqParkingTopology.Levels, RabbitMqParkingTopology.Unit.TotalMilliseconds, RabbitMqParkingTopology.MaxDelay);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static async Task DeclareParkingAsync(IChannel channel, RabbitMqParkingTopology parking, CheckQueues queues, CancellationToken cancellationToken)
    {
        await channel.ExchangeDeclareAsync(parking.DeliverExchange, ExchangeType.Headers, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        foreach (var shard in queues.Shards)
        {
            await channel.QueueBindAsync(shard, parking.DeliverExchange, "", RabbitMqParkingTopology.DeliveryBinding(shard), cancellationToken: cancellationToken);
        }

        // Declared with the arguments its endpoint declares it with: a check may be parked here
        // before this process's near endpoint has started.
        await channel.QueueDeclareAsync(parking.NearQueue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { [SingleActiveConsumer.Key] = SingleActiveConsumer.Value }, cancellationToken: cancellationToken);
        // Parking sends through the queue's own exchange, named and typed as MassTransit names its endpoints' exchanges.
        await channel.ExchangeDeclareAsync(parking.NearQueue, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(parking.NearQueue, parking.NearQueue, "", cancellationToken: cancellationToken);

        // A check that names no shard (written by hand) goes back through the router.
        await channel.ExchangeDeclareAsync(queues.EntryQueue, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.ExchangeBindAsync(queues.EntryQueue, parking.DeliverExchange, "", RabbitMqParkingTopology.DeliveryBinding(queues.EntryQueue), cancellationToken: cancellationToken);

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

    /// <summary>
    /// Earlier versions parked in <c>….park.NN</c> levels (topic exchanges; classic queues named
    /// like them, later quorum queues <c>….park.NN.qq</c>). This version sends nothing there, and
    /// leaves them in place: what they hold still expires down their own chain and back to its
    /// shard, and an instance of an earlier version still running during an upgrade still parks
    /// there. Each one still present is named, so an operator can delete it once it is empty and
    /// every instance runs this version.
    /// </summary>
    private async Task ReportEarlierLevelsAsync(IConnection connection, string entryQueue, CancellationToken cancellationToken)
    {
        for (var level = 0; level < RabbitMqParkingTopology.Levels; level++)
        {
            var classic = string.Create(CultureInfo.InvariantCulture, $"{entryQueue}.park.{level:00}");
            foreach (var queue in new[] { classic, classic + ".qq" })
            {
                if (await MessageCountIfPresentAsync(connection, queue, cancellationToken) is { } left)
                {
                    logger.LogWarning(
                        "Parking level queue {Queue} is from an earlier version and receives nothing from this one; the {Count} checks it holds return to their shards as they expire. Delete it once it is empty and no instance of an earlier version runs",
                        queue, left);
                }
            }
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
            if (await MessageCountIfPresentAsync(connection, shard, cancellationToken) is { } left)
            {
                await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
                await channel.QueueUnbindAsync(shard, queues.HashExchange, CheckQueues.ShardBindingKey, cancellationToken: cancellationToken);
                logger.LogWarning("Shard queue {Queue} is beyond Bus:Shards={Shards} and no longer receives checks; it still holds {Count} messages",
                    shard, queues.Shards.Count, left);
            }
        }
    }

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
