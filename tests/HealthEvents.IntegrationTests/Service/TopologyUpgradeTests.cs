using System.Text.Json;
using HealthEvents.Contracts;
using HealthEvents.IntegrationTests.Reliability;
using HealthEvents.IntegrationTests.Support;
using MassTransit;
using RabbitMQ.Client;
using static HealthEvents.IntegrationTests.Support.TestScenarios;

namespace HealthEvents.IntegrationTests.Service;

/// <summary>
/// A broker an earlier version ran on (checks waiting in the entry queue, in two shard queues, in
/// the router lease queue beside a lease ping, and parked in a delay level): start-up names every
/// old queue and what it holds, `healthevents upgrade --dry-run` lists them and moves nothing,
/// `healthevents upgrade` moves every check into the work queue (the parked one into the near
/// parking queue, which holds it until its time) and deletes the old queues, and each check is
/// answered exactly once.
/// </summary>
public class TopologyUpgradeTests
{
    private const string Entry = "health-check-requested";
    private static readonly string[] ShardQueues = [$"{Entry}.shard-00", $"{Entry}.shard-05"];
    private const string LeaseQueue = Entry + ".router-lease";
    private const string DelayLevel = Entry + ".delay.03.qq";
    private const string PublishedType = "HealthEvents.Contracts:HealthCheckRequested";

    [Fact]
    public async Task Checks_left_in_the_old_entry_shard_lease_and_delay_queues_are_each_answered_once_after_the_upgrade()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var vhost = await RabbitBroker.CreateVirtualHostAsync();
        var checks = new List<Guid>();
        await using (var connection = await new ConnectionFactory { Uri = vhost.Address }.CreateConnectionAsync(ct))
        await using (var channel = await connection.CreateChannelAsync(cancellationToken: ct))
        {
            // As the earlier version declared them: the entry queue plain and bound to the published
            // type (through its exchange, as MassTransit binds), the others with a single active consumer.
            await channel.QueueDeclareAsync(Entry, durable: true, exclusive: false, autoDelete: false, cancellationToken: ct);
            await channel.ExchangeDeclareAsync(Entry, ExchangeType.Fanout, durable: true, cancellationToken: ct);
            await channel.QueueBindAsync(Entry, Entry, "", cancellationToken: ct);
            await channel.ExchangeDeclareAsync(PublishedType, ExchangeType.Fanout, durable: true, cancellationToken: ct);
            await channel.ExchangeBindAsync(Entry, PublishedType, "", cancellationToken: ct);
            foreach (var queue in ShardQueues.Append(LeaseQueue))
            {
                await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false,
                    arguments: new Dictionary<string, object?> { ["x-single-active-consumer"] = true }, cancellationToken: ct);
            }

            foreach (var (queue, tenant, waba) in new[]
                     {
                         (Entry, "alpha", AlphaWaba), (ShardQueues[0], "alpha", AlphaWaba), (ShardQueues[0], "beta", BetaWaba),
                         (ShardQueues[1], "beta", BetaWaba), (ShardQueues[1], "alpha", AlphaWaba), (LeaseQueue, "beta", BetaWaba),
                     })
            {
                checks.Add(await PutCheckAsync(channel, queue, WabaCheck(tenant, waba, maxAge: TimeSpan.Zero)));
            }

            await PutAsync(channel, LeaseQueue, Envelope(NewId.NextGuid(), "urn:message:HealthEvents.Core.Bus:RouterLeasePing", new { Sender = "old/1" }));

            // A delay level as the previous version declared it, without its TTL and dead-letter
            // chain (which would bring the check back by themselves), holding a check parked until now.
            await channel.QueueDeclareAsync(DelayLevel, durable: true, exclusive: false, autoDelete: false,
                arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }, cancellationToken: ct);
            checks.Add(await PutCheckAsync(channel, DelayLevel, WabaCheck("beta", BetaWaba, maxAge: TimeSpan.Zero),
                new Dictionary<string, object?> { ["HealthEvents-ParkedUntil"] = DateTimeOffset.UtcNow.ToString("O"), ["HealthEvents-ParkReason"] = "TenantRate" }));
        }

        await using var ledger = await OutcomeLedger.StartAsync(vhost.Address, "upgrade-ledger");
        await using var h = await ServiceHarness.StartAsync(TwoTenants(), new Dictionary<string, string?> { ["Bus:RabbitMqUri"] = vhost.Address.ToString() });
        Assert.Contains(h.Logs.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains($"{ShardQueues[0]} is from an earlier version", StringComparison.Ordinal) && l.Contains("holds 2 messages", StringComparison.Ordinal));
        Assert.Contains(h.Logs.Lines, l => l.Contains($"{LeaseQueue} is from an earlier version", StringComparison.Ordinal) && l.Contains("holds 2 messages", StringComparison.Ordinal));

        // The entry queue is this version's entry queue too: its check is answered without the upgrade.
        await Eventually.TrueAsync(() => ledger.HasOutcome(checks[0]), TimeSpan.FromSeconds(60), "the entry queue's check to be answered");
        // A check published now reaches the work queue once: the entry queue's old binding to the published type is gone.
        var (listed, bindings) = await RabbitBroker.RabbitMqCtlOutputAsync("list_bindings", "-q", "--no-table-headers", "-p", vhost.Name, "source_name", "destination_name");
        Assert.True(listed, bindings);
        Assert.Equal([$"{Entry}.work"], bindings.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('\t')).Where(b => b[0] == PublishedType).Select(b => b[1]));
        var published = NewId.NextGuid();
        await ledger.Bus.Publish(WabaCheck("alpha", AlphaWaba, maxAge: TimeSpan.Zero), c => c.MessageId = published, ct);
        checks.Add(published);
        await Eventually.TrueAsync(() => ledger.HasOutcome(published), TimeSpan.FromSeconds(60), "the published check to be answered");
        Assert.False(checks.Skip(1).SkipLast(1).Any(ledger.HasOutcome), "a check in an old queue was answered before the upgrade");

        string[] broker = ["--broker", vhost.Address.ToString()];
        var (dryExit, dryOutput) = await CliProcess.RunAsync(["upgrade", "--dry-run", .. broker]);
        Assert.True(dryExit == 0, dryOutput);
        Assert.Contains("4 old queues hold 7 messages", dryOutput, StringComparison.Ordinal);
        await using var probe = await BrokerProbe.ConnectAsync(vhost.Address);
        Assert.Equal(2, await probe.MessageCountAsync(ShardQueues[1]));

        var (exit, output) = await CliProcess.RunAsync(["upgrade", .. broker]);
        Assert.True(exit == 0, output);
        Assert.Contains("6 messages moved, 4 old queues deleted, 0 left", output, StringComparison.Ordinal);
        foreach (var queue in ShardQueues.Append(LeaseQueue).Append(DelayLevel))
        {
            Assert.Equal(-1, await probe.MessageCountAsync(queue));
        }

        await Verdicts.EveryRequestAnsweredOnceAsync(ledger, checks, TimeSpan.FromSeconds(60), h.Store);
        Assert.Contains(h.Logs.Lines, l => l.Contains($"Near-parked check {checks[^2]} is due", StringComparison.Ordinal));
        var (again, againOutput) = await CliProcess.RunAsync(["upgrade", .. broker]);
        Assert.True(again == 0, againOutput);
        Assert.Contains("0 messages moved", againOutput, StringComparison.Ordinal);
    }

    private static async Task<Guid> PutCheckAsync(IChannel channel, string queue, HealthCheckRequested check, IDictionary<string, object?>? headers = null)
    {
        var id = NewId.NextGuid();
        await PutAsync(channel, queue, Envelope(id, "urn:message:HealthEvents.Contracts:HealthCheckRequested",
            new { check.CustSpaceId, check.NodeType, check.WabaId, check.MaxAge, RequestedAt = DateTimeOffset.UtcNow }), headers);
        return id;
    }

    private static byte[] Envelope(Guid id, string messageType, object message) =>
        JsonSerializer.SerializeToUtf8Bytes(new { messageId = id, messageType = new[] { messageType }, message }, Json);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static async Task PutAsync(IChannel channel, string queue, byte[] body, IDictionary<string, object?>? headers = null) =>
        await channel.BasicPublishAsync("", queue, mandatory: true,
            new BasicProperties { ContentType = "application/vnd.masstransit+json", Persistent = true, Headers = headers }, body, TestContext.Current.CancellationToken);
}
