using System.Net;
using System.Net.Sockets;
using HealthEvents.Contracts;
using HealthEvents.Gate;
using HealthEvents.IntegrationTests.Support;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static HealthEvents.IntegrationTests.Support.TestScenarios;

namespace HealthEvents.IntegrationTests.Gate;

/// <summary>The sender's gate on MassTransit's in-memory test harness: no broker.</summary>
public class HealthGateSpecs
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly GateNode AlphaPhoneNode = GateNode.Phone("alpha", AlphaWaba, AlphaPhone);

    private static HealthStatusChanged Changed(long version, string status, DateTimeOffset checkedAt, Readiness? readiness = null) => new()
    {
        CustSpaceId = "alpha",
        NodeType = NodeTypes.Phone,
        NodeId = AlphaPhone,
        WabaId = AlphaWaba,
        PhoneNumber = AlphaPhoneDisplay,
        PhoneNumberId = AlphaPhone,
        Current = status,
        Entities = [new HealthEntity { EntityType = "PHONE_NUMBER", Id = AlphaPhone, CanSendMessage = status }],
        Readiness = readiness ?? new Readiness { QualityRating = "GREEN", MessagingLimit = "TIER_2K" },
        CheckedAt = checkedAt,
        Version = version,
    };

    private sealed class Gate(ServiceProvider services, ITestHarness harness, FakeTimeProvider clock) : IAsyncDisposable
    {
        public IHealthGate Health => services.GetRequiredService<IHealthGate>();

        public FakeTimeProvider Clock => clock;

        public static async Task<Gate> StartAsync(Action<HealthGateOptions>? configure = null)
        {
            var clock = new FakeTimeProvider(Now);
            var services = new ServiceCollection()
                .AddSingleton<TimeProvider>(clock)
                .AddMassTransitTestHarness()
                .AddHealthEventsGate(configure)
                .BuildServiceProvider(true);
            var harness = services.GetRequiredService<ITestHarness>();
            await harness.Start();
            var gate = new Gate(services, harness, clock);
            await Eventually.TrueAsync(() => gate.Health.IsReady, TimeSpan.FromSeconds(30), "the gate to be ready");
            return gate;
        }

        /// <summary>Publishes <paramref name="change"/> and waits until the gate's endpoint has consumed it.</summary>
        public async Task DeliverAsync(HealthStatusChanged change)
        {
            var id = NewId.NextGuid();
            await harness.Bus.Publish(change, c => c.MessageId = id, Ct);
            Assert.True(await harness.Consumed.Any<HealthStatusChanged>(c => c.Context.MessageId == id, Ct), "the gate consumed the change");
        }

        public async ValueTask DisposeAsync()
        {
            await harness.Stop(Ct);
            await services.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_node_never_seen_is_not_allowed_and_says_so()
    {
        await using var gate = await Gate.StartAsync();

        var decision = gate.Health.Decide(AlphaPhoneNode);

        Assert.False(decision.Allowed);
        Assert.Equal(CampaignVerdicts.Hold, decision.Verdict.Verdict);
        Assert.Equal(GateReasons.NotSeen, Assert.Single(decision.Verdict.Reasons).Code);
        Assert.Equal(GateSources.None, decision.Source);
        Assert.Null(decision.Version);
    }

    [Fact]
    public async Task Versions_apply_in_order_and_an_older_one_arriving_late_changes_nothing()
    {
        await using var gate = await Gate.StartAsync();

        await gate.DeliverAsync(Changed(1, MessagingStatus.Available, Now));
        var first = gate.Health.Decide(AlphaPhoneNode);
        await gate.DeliverAsync(Changed(3, MessagingStatus.Blocked, Now.AddSeconds(2)));
        await gate.DeliverAsync(Changed(2, MessagingStatus.Available, Now.AddSeconds(1)));
        var after = gate.Health.Decide(AlphaPhoneNode);

        Assert.True(first.Allowed);
        Assert.Equal((1L, MessagingStatus.Available, GateSources.Events), (first.Version, first.Status, first.Source));
        Assert.False(after.Allowed);
        Assert.Equal((3L, MessagingStatus.Blocked), (after.Version, after.Status));
        Assert.Equal(CampaignVerdicts.Stop, after.Verdict.Verdict);
        Assert.Equal(CampaignReasons.Blocked, after.Verdict.Reasons[0].Code);
    }

    [Fact]
    public async Task A_repeated_version_changes_nothing()
    {
        await using var gate = await Gate.StartAsync();

        await gate.DeliverAsync(Changed(2, MessagingStatus.Blocked, Now));
        // The same version again, as a redelivery would bring it, even with another body.
        await gate.DeliverAsync(Changed(2, MessagingStatus.Available, Now));

        var decision = gate.Health.Decide(AlphaPhoneNode);
        Assert.Equal((2L, MessagingStatus.Blocked), (decision.Version, decision.Status));
        Assert.False(decision.Allowed);
    }

    [Fact]
    public async Task The_node_is_found_by_its_display_number_in_any_format_as_well_as_by_id()
    {
        await using var gate = await Gate.StartAsync();

        await gate.DeliverAsync(Changed(1, MessagingStatus.Available, Now));

        Assert.True(gate.Health.Decide(GateNode.PhoneByNumber("alpha", AlphaWaba, new string([.. AlphaPhoneDisplay.Where(char.IsAsciiDigit)]))).Allowed);
        Assert.Equal(GateReasons.NotSeen, gate.Health.Decide(GateNode.Phone("beta", AlphaWaba, AlphaPhone)).Verdict.Reasons.Single().Code);
    }

    [Fact]
    public async Task Knowledge_older_than_max_staleness_is_not_allowed()
    {
        await using var gate = await Gate.StartAsync(o => o.MaxStaleness = TimeSpan.FromMinutes(30));
        await gate.DeliverAsync(Changed(1, MessagingStatus.Available, Now));

        gate.Clock.Advance(TimeSpan.FromMinutes(29));
        var fresh = gate.Health.Decide(AlphaPhoneNode);
        gate.Clock.Advance(TimeSpan.FromMinutes(2));
        var stale = gate.Health.Decide(AlphaPhoneNode);

        Assert.True(fresh.Allowed);
        Assert.Equal(TimeSpan.FromMinutes(29), fresh.Age);
        Assert.False(stale.Allowed);
        Assert.Equal(GateReasons.Stale, Assert.Single(stale.Verdict.Reasons).Code);
        Assert.Equal(1, stale.Version);
    }

    [Fact]
    public async Task The_campaign_rule_decides_a_planned_size_against_the_known_limit()
    {
        await using var gate = await Gate.StartAsync();
        await gate.DeliverAsync(Changed(1, MessagingStatus.Available, Now, new Readiness { QualityRating = "GREEN", MessagingLimit = "TIER_250" }));

        var small = gate.Health.Decide(AlphaPhoneNode, plannedRecipients: 200);
        var large = gate.Health.Decide(AlphaPhoneNode, plannedRecipients: 1_000);

        Assert.True(small.Allowed);
        Assert.False(large.Allowed);
        Assert.Equal(CampaignReasons.AboveMessagingLimit, Assert.Single(large.Verdict.Reasons).Code);
        Assert.Equal(1_000, large.Verdict.PlannedRecipients);
    }

    [Fact]
    public async Task A_fallback_that_does_not_answer_in_time_gives_a_decision_that_says_so()
    {
        // A service that accepts connections and never answers.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var address = new Uri($"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/");
        await using var gate = await Gate.StartAsync(o =>
        {
            o.ServiceAddress = address;
            o.ApiKey = ApiClient.AlphaKey;
            o.QueryTimeout = TimeSpan.FromMilliseconds(300);
        });

        var decision = await gate.Health.DecideAsync(AlphaPhoneNode, cancellationToken: Ct);

        Assert.False(decision.Allowed);
        var reasons = decision.Verdict.Reasons.Select(r => r.Code).ToList();
        Assert.Equal([GateReasons.NotSeen, GateReasons.QueryApiFailed], reasons);
        Assert.Contains("did not answer within 0.3 s", decision.Verdict.Reasons[1].Text, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiClient.AlphaKey, decision.Verdict.Reasons[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_the_view_does_not_know_is_asked_of_the_query_api_and_the_answer_kept()
    {
        await using var service = await ServiceHarness.StartInMemoryAsync(TwoTenants(), ApiClient.Settings());
        await using var gate = await Gate.StartAsync(o =>
        {
            o.ServiceAddress = service.HttpAddress;
            o.ApiKey = ApiClient.AlphaKey;
            o.QueryTimeout = TimeSpan.FromSeconds(30);
        });
        var waba = GateNode.Waba("alpha", AlphaWaba);

        var asked = await gate.Health.DecideAsync(waba, cancellationToken: Ct);
        var kept = gate.Health.Decide(waba);

        Assert.True(asked.Allowed);
        Assert.Equal((GateSources.QueryApi, MessagingStatus.Available, 1L), (asked.Source, asked.Status, asked.Version));
        Assert.Equal(asked.Version, kept.Version);
        Assert.True(kept.Allowed);
        Assert.Equal(1, service.GraphCallsFor(AlphaWaba));
    }

    [Fact]
    public async Task On_start_the_gate_loads_its_spaces_changes_from_the_events_api_before_it_is_ready()
    {
        await using var service = await ServiceHarness.StartInMemoryAsync(TwoTenants(), ApiClient.Settings());
        await service.PublishAsync(WabaCheck());
        await service.PublishAsync(WabaCheck(tenant: "beta", waba: BetaWaba));
        await service.WaitForAsync<HealthStatusChanged>(c => c.NodeId == AlphaWaba);
        await service.WaitForAsync<HealthStatusChanged>(c => c.NodeId == BetaWaba);

        await using var gate = await Gate.StartAsync(o =>
        {
            o.ServiceAddress = service.HttpAddress;
            o.ApiKey = ApiClient.AlphaKey;
            o.CustSpaceIds.Add("alpha");
        });
        // The clock of the loaded answer is the real one; only freshness is judged by the fake clock.
        gate.Clock.SetUtcNow(DateTimeOffset.UtcNow);

        var decision = gate.Health.Decide(GateNode.Waba("alpha", AlphaWaba));
        Assert.True(decision.Allowed);
        Assert.Equal((GateSources.Events, 1L), (decision.Source, decision.Version));
        // Another space's nodes are not this key's, and were not loaded.
        Assert.Equal(GateReasons.NotSeen, gate.Health.Decide(GateNode.Waba("beta", BetaWaba)).Verdict.Reasons.Single().Code);
    }
}
