using HealthEvents.Core.Bus;
using HealthEvents.Core.Parking;
using HealthEvents.IntegrationTests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace HealthEvents.IntegrationTests.Service;

/// <summary>
/// Earlier versions parked through topic-exchange levels (<c>….park.NN</c>, a routing key spelling
/// the delay) before the headers-exchange levels (<c>….delay.NN</c>): a broker that still has the
/// old ones keeps their checks, they come back to their shards, and the operator is told which
/// old queues are left to delete.
/// </summary>
public class ParkingMigrationTests
{
    [Fact]
    public async Task A_check_parked_by_an_earlier_version_still_comes_back_and_its_level_queue_is_named_for_deletion()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var vhost = await RabbitBroker.CreateVirtualHostAsync();
        var bus = Options.Create(new BusOptions { Transport = BusTransport.RabbitMq, RabbitMqUri = vhost.Address, Shards = 2 });
        var queues = CheckQueues.From(bus.Value);
        using var logs = new CapturingLoggerProvider();
        using var logging = LoggerFactory.Create(b => b.AddProvider(logs));
        var topology = new RabbitMqCheckTopology(queues, new BrokerConnector(bus, NullLogger<BrokerConnector>.Instance), logging.CreateLogger<RabbitMqCheckTopology>());
        await topology.StartAsync(ct);

        // What the earlier version declared for its lowest level (topic exchange, quorum queue that
        // dead-letters to its deliver exchange, bound to each shard by the key's last words), with
        // one check parked in it for 800 ms, as an instance of that version still parks during an upgrade.
        var oldLevel = $"{queues.EntryQueue}.park.00";
        var oldDeliver = $"{queues.EntryQueue}.park.deliver";
        await using (var connection = await new ConnectionFactory { Uri = vhost.Address }.CreateConnectionAsync(ct))
        await using (var channel = await connection.CreateChannelAsync(cancellationToken: ct))
        {
            await channel.ExchangeDeclareAsync(oldDeliver, ExchangeType.Topic, durable: true, cancellationToken: ct);
            await channel.QueueBindAsync(queues.Shard(1), oldDeliver, "#." + queues.Shard(1), cancellationToken: ct);
            await channel.ExchangeDeclareAsync(oldLevel, ExchangeType.Topic, durable: true, cancellationToken: ct);
            await channel.QueueDeclareAsync(oldLevel + ".qq", durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?>
            {
                ["x-queue-type"] = "quorum",
                ["x-message-ttl"] = 800L,
                ["x-dead-letter-exchange"] = oldDeliver,
                ["x-dead-letter-strategy"] = "at-least-once",
                ["x-overflow"] = "reject-publish",
            }, cancellationToken: ct);
            await channel.QueueBindAsync(oldLevel + ".qq", oldLevel, "*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.1.#", cancellationToken: ct);
            await channel.BasicPublishAsync(oldLevel, "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1." + queues.Shard(1), true,
                new BasicProperties { Persistent = true }, "{}"u8.ToArray(), ct);
        }

        // The next start-up leaves the old objects alone and names the old queue.
        await topology.StartAsync(ct);
        Assert.Contains(logs.Lines, line => line.StartsWith("Warning", StringComparison.Ordinal) && line.Contains($"Parking level queue {oldLevel}.qq is from an earlier version", StringComparison.Ordinal));

        await using var broker = await BrokerProbe.ConnectAsync(vhost.Address);
        await Eventually.ReturnsAsync(() => broker.MessageCountAsync(queues.Shard(1)), n => n == 1, TimeSpan.FromSeconds(30), "the old level's check back in its shard");
        Assert.Equal(0, await broker.MessageCountAsync(oldLevel + ".qq"));
    }
}
