using HealthEvents.Contracts;
using HealthEvents.Demo;
using HealthEvents.Domain.HealthChecks;
using HealthEvents.GraphSimulator;
using HealthEvents.GraphSimulator.Scenarios;
using HealthEvents.IntegrationTests.Support;
using HealthEvents.Storage;
using HealthEvents.Storage.Sqlite;
using MassTransit;

namespace HealthEvents.IntegrationTests.Reliability;

/// <summary>
/// The service process killed with SIGKILL again and again while checks run and statuses change,
/// once at a moment chosen so that changes are stored but not yet published (the broker blocks
/// publishers, the checks in flight store their changes and wait, then the process dies). After the
/// last restart: every request answered once, every stored change published (the outbox), none
/// twice with different contents, the store equal to Meta, no budget exceeded.
/// </summary>
[Collection(nameof(BrokerFaults))]
public class RepeatedCrashTests
{
    private const int Tenants = 3;
    private static readonly int PhonesEach = 25 * Soak.Factor;

    [Fact]
    public async Task Killing_the_service_repeatedly_loses_no_request_and_no_change_event()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var vhost = await RabbitBroker.CreateVirtualHostAsync();
        var scenario = ManyTenants.Create(Tenants, PhonesEach);
        scenario.Latency = new LatencySettings { MinMs = 30, MaxMs = 90 };
        await using var simulator = await GraphSimulatorHost.StartAsync(scenario);
        var directory = Directory.CreateTempSubdirectory("healthevents-crashes-").FullName;
        var database = Path.Combine(directory, "store.db");
        await using var ledger = await OutcomeLedger.StartAsync(vhost.Address, "repeated-crash-ledger");
        var settings = ScenarioService.Settings(scenario, simulator.BaseAddress, database, new Dictionary<string, string?>
        {
            ["Bus:Transport"] = "RabbitMq",
            ["Bus:RabbitMqUri"] = vhost.Address.ToString(),
            ["HealthChecks:OutboxSweepInterval"] = "00:00:01",
            ["HealthChecks:OutboxSweepGrace"] = "00:00:02",
            ["Serilog:MinimumLevel:Default"] = "Information",
        });
        try
        {
            var requests = await ledger.AskAllPhonesAsync(Tenants, PhonesEach);
            var kills = 0;

            // Plain kills mid-run, statuses changing between them.
            for (var round = 0; round < 2; round++)
            {
                using var service = ServiceProcess.Start(settings, directory);
                var before = ledger.AnsweredCount;
                await Eventually.TrueAsync(() => ledger.AnsweredCount >= before + 10 || service.HasExited, TimeSpan.FromSeconds(60),
                    () => $"round {round}: {ledger.AnsweredCount - before} answers{Environment.NewLine}{service.Output}");
                Assert.False(service.HasExited, "the service exited by itself: " + service.Output);
                FlipStatuses(simulator, round);
                service.Kill();
                kills++;
            }

            // A kill between storing a change and publishing it: statuses change, checks asking for them
            // run, the broker blocks publishers, the checks in flight store their changes and wait.
            FlipStatuses(simulator, 2);
            requests.AddRange(await ledger.AskAllPhonesAsync(Tenants, PhonesEach));
            var store = new SqliteHealthStore(database);
            StoredChange? unpublished = null;
            using (var service = ServiceProcess.Start(settings, directory))
            {
                var before = ledger.AnsweredCount;
                await Eventually.TrueAsync(() => ledger.AnsweredCount >= before + 5 || service.HasExited, TimeSpan.FromSeconds(60),
                    () => $"progress before the block{Environment.NewLine}{service.Output}");
                var watermark = await RabbitBroker.RabbitMqCtlOutputAsync("eval", "vm_memory_monitor:get_vm_memory_high_watermark().");
                try
                {
                    Assert.True(await RabbitBroker.RabbitMqCtlAsync("set_vm_memory_high_watermark", "0.00001"));
                    unpublished = (await Eventually.ReturnsAsync(() => store.GetUndispatchedAsync(1, ct), stored => stored.Count > 0, TimeSpan.FromSeconds(60), "a change stored but not published"))[0];
                    service.Kill();
                    kills++;
                }
                finally
                {
                    await RabbitBroker.RabbitMqCtlAsync("set_vm_memory_high_watermark", watermark.Ok ? watermark.Output.Trim() : "0.4");
                }
            }

            FlipStatuses(simulator, 3);
            using var last = ServiceProcess.Start(settings, directory);
            var recovered = System.Diagnostics.Stopwatch.StartNew();
            await Verdicts.EveryRequestAnsweredOnceAsync(ledger, requests, TimeSpan.FromSeconds(180), store);
            var recovery = recovered.Elapsed;
            // Asked after the last restart: they must see what changed while the service was down.
            var after = await ledger.AskAllPhonesAsync(Tenants, PhonesEach);
            await Verdicts.EveryRequestAnsweredOnceAsync(ledger, after, TimeSpan.FromSeconds(180), store);
            await Eventually.ReturnsAsync(() => store.GetUndispatchedAsync(10, ct), p => p.Count == 0, TimeSpan.FromSeconds(60), "the outbox to drain");

            var nodes = Verdicts.PhonesOf(Tenants, PhonesEach).ToList();
            await Verdicts.NoChangeLostOrDuplicatedAsync(ledger, store, nodes);
            await Verdicts.StoreMatchesSimulatorAsync(store, simulator.State, nodes);
            Verdicts.NoBudgetViolation(simulator.State);
            Assert.Equal(3, kills);
            Assert.Contains(ledger.Changes, c => c.NodeId == unpublished!.Key.NodeId && c.Version == unpublished.Version);
            var inErrorQueue = await Verdicts.InErrorQueueAsync(vhost.Address);
            Assert.True(inErrorQueue <= 0, $"{inErrorQueue} checks in the error queue");
            Verdicts.Report("Repeated kill -9", "3 SIGKILLs, one between store and publish; statuses changed 4 times", requests.Count + after.Count, ledger, inErrorQueue, simulator.State, recovery);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static void FlipStatuses(GraphSimulatorHost simulator, int round)
    {
        for (var t = 1; t <= Tenants; t++)
        {
            for (var p = 1 + round; p <= PhonesEach; p += 3)
            {
                simulator.State.SetHealth(ManyTenants.Phone(t, p), round % 2 == 0
                    ? new NodeHealth { CanSendMessage = "BLOCKED", Errors = [new NodeHealthError(141006, "payment", "fix payment")] }
                    : new NodeHealth { CanSendMessage = "LIMITED", AdditionalInfo = ["display name pending"] });
            }
        }
    }
}

/// <summary>
/// The soak variant of the reliability suite: <c>HEALTHEVENTS_SOAK=10</c> multiplies the work of
/// the scenarios that scale (README, "Reliability").
/// </summary>
public static class Soak
{
    public static int Factor { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("HEALTHEVENTS_SOAK"), out var factor) && factor > 1 ? factor : 1;
}
