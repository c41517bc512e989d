using HealthEvents.Core.Bus;
using HealthEvents.Core.Parking;
using HealthEvents.IntegrationTests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace HealthEvents.IntegrationTests.Service;

/// <summary>
/// Parking levels were classic queues before they became quorum queues (at-least-once
/// dead-lettering): a broker that still has the old ones keeps their checks, and they stop
/// receiving new ones.
/// </summary>
public class ParkingMigrationTests
{
    [Fact]
    public async Task A_classic_level_queue_from_an_earlier_version_is_unbound_and_its_checks_still_come_back()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var vhost = await RabbitBroker.CreateVirtualHostAsync();
        var bus = Options.Create(new BusOptions { Transport = BusTransport.RabbitMq, RabbitMqUri = vhost.Address, Shards = 2 });
        var queues = CheckQueues.From(bus.Value);
        var parking = new RabbitMqParkingTopology(queues.EntryQueue);
        const int level = 3;
        var old = parking.LevelName(level);

        // What an earlier version declared for level 3, with one check parked in it.
        await using (var connection = await new ConnectionFactory { Uri = vhost.Address }.CreateConnectionAsync(ct))
        await using (var channel = await connection.CreateChannelAsync(cancellationToken: ct))
        {
            await channel.ExchangeDeclareAsync(old, ExchangeType.Topic, durable: true, cancellationToken: ct);
            await channel.QueueDeclareAsync(old, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?>
            {
                ["x-queue-type"] = "classic",
                ["x-message-ttl"] = (long)RabbitMqParkingTopology.LevelTtl(level).TotalMilliseconds,
                ["x-dead-letter-exchange"] = parking.Below(level),
            }, cancellationToken: ct);
            await channel.QueueBindAsync(old, old, RabbitMqParkingTopology.Pattern(level, '1'), cancellationToken: ct);
            await channel.BasicPublishAsync(old, RabbitMqParkingTopology.RoutingKey(TimeSpan.FromMilliseconds(800), queues.Shard(1)), true,
                new BasicProperties { Persistent = true }, "{}"u8.ToArray(), ct);
        }

        var topology = new RabbitMqCheckTopology(bus, new BrokerConnector(bus, NullLogger<BrokerConnector>.Instance), NullLogger<RabbitMqCheckTopology>.Instance);
        await topology.StartAsync(ct);

        var (_, bindings) = await RabbitBroker.RabbitMqCtlOutputAsync("list_bindings", "-p", vhost.Name, "source_name", "destination_name");
        Assert.DoesNotContain(bindings.Split('\n'), line => line.Trim() == $"{old}\t{old}");
        Assert.Contains(bindings.Split('\n'), line => line.Trim() == $"{old}\t{parking.LevelQueueName(level)}");
        await using var broker = await BrokerProbe.ConnectAsync(vhost.Address);
        await Eventually.ReturnsAsync(() => broker.MessageCountAsync(queues.Shard(1)), n => n == 1, TimeSpan.FromSeconds(30), "the old level's check back in its shard");
        Assert.Equal(0, await broker.MessageCountAsync(old));
    }
}
