using HealthEvents.Contracts;
using HealthEvents.Domain.HealthChecks;
using HealthEvents.IntegrationTests.Support;
using HealthEvents.Core.HealthChecks;
using HealthEvents.Storage;
using static HealthEvents.IntegrationTests.Support.TestScenarios;

namespace HealthEvents.IntegrationTests.Specs;

public class OutboxTests
{
    [Fact]
    public async Task A_change_stored_but_never_published_is_published_by_the_sweep_with_its_version_and_message_id()
    {
        await using var h = await ServiceHarness.StartInMemoryAsync(TwoTenants(), new Dictionary<string, string?>
        {
            ["HealthChecks:OutboxSweepInterval"] = "00:00:00.200",
            ["HealthChecks:OutboxSweepGrace"] = "00:00:05",
        });
        var key = new NodeKey("alpha", NodeTypes.Waba, AlphaWaba);
        var checkedAt = DateTimeOffset.UtcNow.AddMinutes(-1);
        var snapshot = new HealthSnapshot
        {
            CanSendMessage = "BLOCKED",
            ReportedCanSendMessage = "BLOCKED",
            CheckedAt = checkedAt,
            Entities = [new HealthEntity { EntityType = "WABA", Id = AlphaWaba, CanSendMessage = "BLOCKED" }],
        };
        var change = new StoredChange(key, new NodeIdentity { WabaId = AlphaWaba }, 1, snapshot, null);

        // What a process that died right after storing leaves behind.
        Assert.Equal(SaveResult.Saved, await h.Store.SaveChangeAsync(change, TestContext.Current.CancellationToken));

        var published = await h.WaitForAsync<HealthStatusChanged>(e => e.NodeId == AlphaWaba);
        Assert.Equal(1, published.Version);
        Assert.Equal("BLOCKED", published.Current);
        var context = h.Harness.Published.Select<HealthStatusChanged>(TestContext.Current.CancellationToken).First().Context;
        Assert.Equal(DerivedMessageIds.ForChange(key, 1), context.MessageId);
        await Eventually.ReturnsAsync(() => h.Store.GetUndispatchedAsync(10, TestContext.Current.CancellationToken), p => p.Count == 0, TimeSpan.FromSeconds(10), "the outbox to be marked published");
        Assert.Empty(h.Simulator.State.Calls);
    }
}
