using HealthEvents.Contracts;
using HealthEvents.Core.Budgets;
using HealthEvents.Core.Bus;
using HealthEvents.Core.Refresh;
using HealthEvents.Domain.HealthChecks;
using HealthEvents.Domain.Tenants;
using HealthEvents.Storage;
using HealthEvents.UnitTests.Support;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HealthEvents.UnitTests.Refresh;

public class ScheduledRefreshTests
{
    private static StoredSnapshot Node(string type, string id, string waba = "1") => new(
        new NodeKey("t", type, id), new NodeIdentity { WabaId = waba },
        new HealthSnapshot { CanSendMessage = "AVAILABLE", ReportedCanSendMessage = "AVAILABLE", Entities = [], CheckedAt = DateTimeOffset.UnixEpoch }, 1);

    [Fact]
    public void A_round_spreads_the_nodes_evenly_and_stretches_past_half_a_WABAs_hourly_quota()
    {
        var nodes = Enumerable.Range(0, 4).Select(i => Node(NodeTypes.Phone, i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();
        var plan = RefreshPlan.Make(TimeSpan.FromMinutes(20), nodes, wabaCallsPerHour: 5_000);
        Assert.Equal(TimeSpan.FromMinutes(20), plan.Interval);
        Assert.Equal([0, 5, 10, 15], plan.Items.Select(i => i.Offset.TotalMinutes));

        // 4 nodes of one WABA every minute = 240 calls an hour; half of a 200-call quota is 100: every 2.4 minutes at most.
        var stretched = RefreshPlan.Make(TimeSpan.FromMinutes(1), nodes, wabaCallsPerHour: 200);
        Assert.Equal(TimeSpan.FromMinutes(2.4), stretched.Interval);
        Assert.Empty(RefreshPlan.Make(TimeSpan.FromMinutes(1), [], 200).Items);
    }

    [Fact]
    public async Task Each_round_sends_every_known_node_by_id_with_a_MaxAge_of_half_the_interval_and_only_for_tenants_that_ask()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 6, 0, 0, TimeSpan.Zero));
        var tenants = TenantRegistry.Build(new TenantsOptions
        {
            Spaces =
            {
                ["t"] = new TenantOptions { AccessToken = "a", WabaIds = ["1"], RefreshInterval = TimeSpan.FromMinutes(10) },
                ["quiet"] = new TenantOptions { AccessToken = "b", WabaIds = ["2"] },
            },
        });
        await using var provider = new ServiceCollection().AddMassTransitTestHarness().BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        var store = new ListingStore([Node(NodeTypes.Waba, "1"), Node(NodeTypes.Phone, "21"), Node(NodeTypes.Template, "31")]);
        using var refresh = new ScheduledRefresh(tenants, store, harness.Bus, Options.Create(new BusOptions()), Options.Create(new BudgetOptions()), time, NullLogger<ScheduledRefresh>.Instance);
        await refresh.StartAsync(TestContext.Current.CancellationToken);

        List<HealthCheckRequested> Sent() => [.. harness.Sent.Select<HealthCheckRequested>().Select(s => s.Context.Message)];
        await Wait.UntilAsync(() => Sent().Count >= 1, "the first node at once");
        await Wait.UntilAsync(() =>
        {
            time.Advance(TimeSpan.FromSeconds(20));
            return Sent().Count >= 6;
        }, "two rounds");
        await refresh.StopAsync(TestContext.Current.CancellationToken);

        var sent = Sent();
        Assert.All(sent, s => Assert.Equal(("t", TimeSpan.FromMinutes(5)), (s.CustSpaceId, s.MaxAge!.Value)));
        Assert.Equal([NodeTypes.Waba, NodeTypes.Phone, NodeTypes.Template], sent.Take(3).Select(s => s.NodeType));
        Assert.Equal(("21", null), (sent[1].PhoneNumberId, sent[1].PhoneNumber));
        Assert.Equal("31", sent[2].TemplateId);
        Assert.True(store.Listed.All(t => t == "t"), "the tenant without RefreshInterval is never listed");
    }

    /// <summary>A store that only lists snapshots.</summary>
    private sealed class ListingStore(IReadOnlyList<StoredSnapshot> nodes) : IHealthStore
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Listed { get; } = new();

        public Task<IReadOnlyList<StoredSnapshot>> ListSnapshotsAsync(SnapshotQuery query, CancellationToken cancellationToken)
        {
            Listed.Enqueue(query.CustSpaceId);
            return Task.FromResult(nodes);
        }

        public Task InitializeAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<StoredSnapshot?> GetAsync(NodeKey key, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<SaveResult> SaveChangeAsync(StoredChange change, AnsweredRequest? answer, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<SaveResult> SaveRecheckAsync(StoredSnapshot current, AnsweredRequest? answer, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<StoredChange>> GetUndispatchedAsync(int max, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task MarkDispatchedAsync(NodeKey key, long version, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<StoredChange>> GetHistoryAsync(NodeKey key, long fromVersion, int max, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<StoredChange>> GetChangesAsync(string custSpaceId, DateTimeOffset checkedFrom, DateTimeOffset checkedUntil, int max, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task RememberAnswerAsync(AnsweredRequest answer, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<AnsweredRequest?> FindAnswerAsync(Guid requestId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<int> ForgetAnswersAsync(DateTimeOffset answeredBefore, int max, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task PingAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
