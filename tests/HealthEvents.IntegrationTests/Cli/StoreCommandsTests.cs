using HealthEvents.Contracts;
using HealthEvents.GraphSimulator.Scenarios;
using HealthEvents.IntegrationTests.Reliability;
using HealthEvents.IntegrationTests.Support;
using static HealthEvents.IntegrationTests.Support.TestScenarios;

namespace HealthEvents.IntegrationTests.Cli;

/// <summary>`healthevents status` and `republish` against the store of a running service.</summary>
public class StoreCommandsTests
{
    [Fact]
    public async Task Status_reads_the_store_and_republish_gives_a_new_subscriber_the_history_with_original_ids_and_versions()
    {
        await using var h = await ServiceHarness.StartAsync(TwoTenants());
        await h.PublishAsync(WabaCheck());
        await h.WaitForAsync<HealthStatusChanged>(e => e.NodeId == AlphaWaba && e.Version == 1);
        h.Simulator.State.SetHealth(AlphaWaba, new NodeHealth { CanSendMessage = "BLOCKED", Errors = [new NodeHealthError(141006, "payment", "Add a payment method.")] });
        await h.PublishAsync(WabaCheck());
        await h.WaitForAsync<HealthStatusChanged>(e => e.NodeId == AlphaWaba && e.Version == 2);
        await h.PublishAsync(WabaCheck(tenant: "beta", waba: BetaWaba));
        await h.WaitForAsync<HealthStatusChanged>(e => e.NodeId == BetaWaba);
        var store = new Dictionary<string, string> { ["Storage__SqlitePath"] = h.DatabasePath };

        var (listed, json) = await CliProcess.RunAsync(["status", "--tenant", "alpha", "--json"], store);
        Assert.Equal(0, listed);
        Assert.Contains(AlphaWaba, json, StringComparison.Ordinal);
        Assert.Contains("\"canSendMessage\": \"BLOCKED\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain(BetaWaba, json, StringComparison.Ordinal);
        var (_, available) = await CliProcess.RunAsync(["status", "--tenant", "alpha", "--status", "available"], store);
        Assert.Contains("0 node(s).", available, StringComparison.Ordinal);
        var (missing, _) = await CliProcess.RunAsync(["status", "--tenant", "alpha"], new Dictionary<string, string> { ["Storage__SqlitePath"] = h.DatabasePath + ".nope" });
        Assert.Equal(2, missing);

        await using var fresh = await OutcomeLedger.StartAsync(h.BrokerAddress, "republish-fresh-subscriber");
        var (republished, said) = await CliProcess.RunAsync(["republish", "--tenant", "alpha", "--broker", h.BrokerAddress.ToString()], store);
        Assert.Equal(0, republished);
        Assert.Contains("2 change(s) republished", said, StringComparison.Ordinal);
        await Eventually.TrueAsync(() => fresh.Changes.Count == 2, TimeSpan.FromSeconds(30), "the new subscriber to receive alpha's history");
        Assert.Equal([1L, 2L], fresh.Changes.Select(c => c.Version).Order());
        Assert.All(fresh.Changes, c => Assert.Equal("alpha", c.CustSpaceId));
        var originals = h.PublishedWithIds<HealthStatusChanged>().Where(p => p.Message.NodeId == AlphaWaba).Select(p => p.MessageId).ToHashSet();
        Assert.Equal(originals, fresh.ChangeMessageIds.ToHashSet());
    }
}
