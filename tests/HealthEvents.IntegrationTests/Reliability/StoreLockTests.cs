using HealthEvents.Contracts;
using HealthEvents.GraphSimulator.Scenarios;
using HealthEvents.IntegrationTests.Support;
using MassTransit;
using Microsoft.Data.Sqlite;

namespace HealthEvents.IntegrationTests.Reliability;

/// <summary>
/// Another process holds the SQLite store's write lock while checks flow: checks that only read
/// (answered from the store) keep being answered, checks that must write fail after
/// Storage:OperationTimeout and their retries and sit in the error queue with the reason, and no
/// check is acknowledged with its answer unsaved.
/// </summary>
public class StoreLockTests
{
    private const int Tenants = 2;
    private const int PhonesEach = 5;

    [Fact]
    public async Task A_locked_store_delays_or_parks_writes_in_the_error_queue_while_reads_are_still_answered()
    {
        var scenario = ManyTenants.Create(Tenants, PhonesEach);
        await using var h = await ServiceHarness.StartAsync(scenario, new Dictionary<string, string?> { ["Storage:OperationTimeout"] = "00:00:01" });
        await using var ledger = await OutcomeLedger.StartAsync(h.BrokerAddress, "store-lock-ledger");
        await using var broker = await BrokerProbe.ConnectAsync(h.BrokerAddress);
        var first = await ledger.AskAllPhonesAsync(Tenants, PhonesEach);
        await Verdicts.EveryRequestAnsweredOnceAsync(ledger, first, TimeSpan.FromSeconds(60), h.Store);

        List<Guid> fromStore;
        List<Guid> needWrites;
        await using (var locker = new SqliteConnection($"Data Source={h.DatabasePath};Pooling=False"))
        {
            await locker.OpenAsync(TestContext.Current.CancellationToken);
            await using var exclusive = locker.CreateCommand();
            exclusive.CommandText = "BEGIN EXCLUSIVE;";
            await exclusive.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);

            // Changed at Meta: answering these needs a write.
            h.Simulator.State.SetHealth(ManyTenants.Phone(1, 1), new NodeHealth { CanSendMessage = "BLOCKED", Errors = [new NodeHealthError(141006, "payment", "fix payment")] });
            needWrites = await ledger.AskAllPhonesAsync(Tenants, PhonesEach);
            fromStore = await ledger.AskAllPhonesAsync(Tenants, PhonesEach, maxAge: TimeSpan.FromHours(1));

            // Not yet "answered once": the checks that need a write are still retrying, so it is not quiet until the lock goes.
            await Eventually.TrueAsync(() => fromStore.All(ledger.HasOutcome), TimeSpan.FromSeconds(30), "the answers from the store during the lock");
            Assert.All(fromStore, id => Assert.True(ledger.Only<HealthCheckCompleted>(id)?.FromCache, "answered from the store during the lock"));
            await Eventually.ReturnsAsync(() => broker.MessageCountAsync("health-check-requested_error"), n => n >= 1, TimeSpan.FromSeconds(60), "a check that could not store its answer to give up");
            Assert.DoesNotContain(needWrites, ledger.HasOutcome);

            await using var release = locker.CreateCommand();
            release.CommandText = "ROLLBACK;";
            await release.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        // Each check that needed a write is answered (its retries outlived the lock) or in the error queue, never both.
        var recovered = System.Diagnostics.Stopwatch.StartNew();
        await Eventually.ReturnsAsync(
            async () => needWrites.Count(ledger.HasOutcome) + await broker.MessageCountAsync("health-check-requested_error"),
            n => n == needWrites.Count, TimeSpan.FromSeconds(60), "every check that needed a write to be answered or in the error queue");
        await Verdicts.NoneAnsweredTwiceAsync(ledger, h.Store);
        var reasons = await broker.FaultReasonsAsync("health-check-requested_error");
        Assert.NotEmpty(reasons);
        Assert.All(reasons, reason => Assert.True(reason.Message.Contains("The store did not answer", StringComparison.Ordinal), $"{reason.Message} at {reason.Where}"));

        // Nothing answered unsaved: every completed answer's version is in the store.
        foreach (var completed in needWrites.Select(ledger.Only<HealthCheckCompleted>).OfType<HealthCheckCompleted>())
        {
            var stored = await h.Store.GetAsync(new(completed.CustSpaceId, completed.NodeType, completed.NodeId), TestContext.Current.CancellationToken);
            Assert.True(stored!.Version >= completed.Version, $"{completed.NodeId} answered version {completed.Version}, stored {stored.Version}");
        }

        Verdicts.NoBudgetViolation(h.Simulator.State);
        Verdicts.Report("SQLite locked", "exclusive lock held by another connection until a check gave up", first.Count + needWrites.Count + fromStore.Count, ledger,
            await broker.MessageCountAsync("health-check-requested_error"), h.Simulator.State, recovered.Elapsed);
    }
}
