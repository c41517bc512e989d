using HealthEvents.Contracts;
using HealthEvents.Domain.HealthChecks;
using HealthEvents.IntegrationTests.Support;
using HealthEvents.Core.HealthChecks;
using HealthEvents.Storage;
using Microsoft.Extensions.DependencyInjection;
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

    [Fact]
    public async Task A_change_whose_publish_failed_is_swept_at_once_not_after_the_grace()
    {
        await using var h = await ServiceHarness.StartInMemoryAsync(TwoTenants(), new Dictionary<string, string?>
        {
            ["HealthChecks:OutboxSweepInterval"] = "00:00:00.200",
            ["HealthChecks:OutboxSweepGrace"] = "01:00:00",
        });
        // The start-up sweep takes everything pending, whatever its age: let it pass first, or it
        // may publish the change below before its publish fails here. A change a day old is
        // published by whichever sweep comes first; once it is, the start-up sweep is over.
        const string earlierWaba = "700000000000999";
        await h.Store.SaveChangeAsync(new StoredChange(new NodeKey("alpha", NodeTypes.Waba, earlierWaba), new NodeIdentity { WabaId = earlierWaba }, 1,
            new HealthSnapshot { CanSendMessage = "AVAILABLE", ReportedCanSendMessage = "AVAILABLE", CheckedAt = DateTimeOffset.UtcNow.AddDays(-1), Entities = [] }, null), TestContext.Current.CancellationToken);
        await h.WaitForAsync<HealthStatusChanged>(e => e.NodeId == earlierWaba, TimeSpan.FromSeconds(10));

        var key = new NodeKey("alpha", NodeTypes.Waba, AlphaWaba);
        var snapshot = new HealthSnapshot
        {
            CanSendMessage = "LIMITED",
            ReportedCanSendMessage = "LIMITED",
            CheckedAt = DateTimeOffset.UtcNow,
            Entities = [new HealthEntity { EntityType = "WABA", Id = AlphaWaba, CanSendMessage = "LIMITED" }],
        };
        var change = new StoredChange(key, new NodeIdentity { WabaId = AlphaWaba }, 1, snapshot, null);
        Assert.Equal(SaveResult.Saved, await h.Store.SaveChangeAsync(change, TestContext.Current.CancellationToken));

        // The check's own publish fails (here: cancelled before it reached the bus).
        var publisher = h.Services.GetRequiredService<ChangePublisher>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => publisher.PublishAsync(h.Bus, change, new CancellationToken(canceled: true)));
        Assert.True(publisher.IsOrphaned(key, 1));

        var published = await h.WaitForAsync<HealthStatusChanged>(e => e.NodeId == AlphaWaba, TimeSpan.FromSeconds(10));
        Assert.Equal(1, published.Version);
        await Eventually.TrueAsync(() => !publisher.IsOrphaned(key, 1), TimeSpan.FromSeconds(10), "the orphan to be published");
    }
}
