using HealthEvents.Core.Budgets;
using HealthEvents.Graph.Throttling;
using HealthEvents.Contracts;
using HealthEvents.GraphSimulator.Scenarios;
using HealthEvents.GraphSimulator.Simulation;
using HealthEvents.IntegrationTests.Support;
using MassTransit;

namespace HealthEvents.IntegrationTests.Service;

/// <summary>
/// The budget under load, on RabbitMQ: a flood parks instead of blocking, checks of one node
/// coalesce, a WABA's hourly budget and Meta's app-wide pause hold. Order and counts, never timings.
/// </summary>
public class BudgetFairnessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_flooding_tenant_does_not_hold_up_the_others_and_nobody_exceeds_a_budget()
    {
        const int flood = 2_000;
        const int quietTenants = 5;
        var scenario = ManyTenants.Create(1 + quietTenants, 0);
        var flooder = scenario.Tokens[0];
        // The flood asks about different nodes (its own WABAs): checks of one node would coalesce.
        var floodWabas = Enumerable.Range(1, flood).Select(i => (800000000000000L + i).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        flooder.WabaIds = floodWabas;
        scenario.Wabas.AddRange(floodWabas.Select(id => new ScenarioWaba { Id = id, BusinessId = "500000000000001", AppId = "634974688087057" }));
        scenario.RateLimits = new RateLimitSettings { PerTokenPerSecond = 5 };
        await using var h = await ServiceHarness.StartAsync(scenario);

        await h.Bus.PublishBatch(floodWabas.Select(w => new HealthCheckRequested { CustSpaceId = flooder.Name, NodeType = NodeTypes.Waba, WabaId = w }), Ct);
        var quiet = Enumerable.Range(2, quietTenants).Select(t => new HealthCheckRequested { CustSpaceId = ManyTenants.Tenant(t), NodeType = NodeTypes.Waba, WabaId = ManyTenants.Waba(t) }).ToList();
        await h.Bus.PublishBatch(quiet, Ct);

        await Eventually.TrueAsync(() => h.PublishedNow<HealthCheckCompleted>(c => c.CustSpaceId != flooder.Name).Count == quietTenants,
            TimeSpan.FromSeconds(90), "every quiet tenant's check to complete");
        var floodDone = h.PublishedNow<HealthCheckCompleted>(c => c.CustSpaceId == flooder.Name).Count;

        Assert.True(floodDone < flood / 10, $"the quiet tenants were answered only after {floodDone} of the flood's checks");
        Assert.Empty(h.PublishedNow<HealthCheckRejected>());
        var calls = h.Simulator.State.Calls;
        Assert.DoesNotContain(calls, c => c.Outcome.StartsWith("rate-limited", StringComparison.Ordinal));
        foreach (var (tenant, most) in CallWindows.MostInAnyWindowByToken(calls, TimeSpan.FromSeconds(1)))
        {
            Assert.True(most <= 5, $"{tenant} made {most} calls in one second");
        }
    }

    [Fact]
    public async Task Concurrent_checks_of_one_node_make_one_graph_call_and_each_gets_its_own_answer()
    {
        const int requests = 30;
        var scenario = ManyTenants.Create(1, 1);
        scenario.Latency = new LatencySettings { MinMs = 100, MaxMs = 100 };
        await using var h = await ServiceHarness.StartAsync(scenario);
        var ids = Enumerable.Range(0, requests).Select(_ => NewId.NextGuid()).ToList();

        await Task.WhenAll(ids.Select(id => h.Bus.Publish(
            new HealthCheckRequested { CustSpaceId = ManyTenants.Tenant(1), NodeType = NodeTypes.Phone, WabaId = ManyTenants.Waba(1), PhoneNumberId = ManyTenants.Phone(1, 1) },
            c => c.MessageId = id, Ct)));

        await Eventually.TrueAsync(() => h.PublishedNow<HealthCheckCompleted>().Count >= requests, TimeSpan.FromSeconds(60), "every request's answer");
        var answers = h.PublishedWithInitiator<HealthCheckCompleted>();

        Assert.Equal(ids.Order(), answers.Select(a => a.InitiatorId!.Value).Order());
        Assert.Single(answers.Select(a => a.Message.Version).Distinct());
        Assert.Equal(1, h.GraphCallsFor(ManyTenants.Phone(1, 1)));
        Assert.Single(h.PublishedNow<HealthStatusChanged>());
    }

    [Fact]
    public async Task A_wabas_hourly_budget_is_never_exceeded_and_checks_past_it_park_rather_than_fail()
    {
        const int phones = 8;
        var scenario = ManyTenants.Create(1, phones);
        await using var h = await ServiceHarness.StartAsync(scenario, new Dictionary<string, string?>
        {
            // An "hour" of 3 s with 3 calls, so the test sees the budget run out and come back.
            ["Budget:WabaCallsPerHour"] = "3",
            ["Budget:WabaWindow"] = "00:00:03",
        });

        await h.Bus.PublishBatch(Enumerable.Range(1, phones).Select(p => new HealthCheckRequested
        {
            CustSpaceId = ManyTenants.Tenant(1),
            NodeType = NodeTypes.Phone,
            WabaId = ManyTenants.Waba(1),
            PhoneNumberId = ManyTenants.Phone(1, p),
        }), Ct);

        await Eventually.TrueAsync(() => h.PublishedNow<HealthCheckCompleted>().Count == phones, TimeSpan.FromSeconds(90), "every check to complete");
        Assert.Empty(h.PublishedNow<HealthCheckRejected>());
        var wabaCalls = h.Simulator.State.Calls.Where(c => c.WabaId == ManyTenants.Waba(1)).ToList();
        Assert.Equal(phones + 1, wabaCalls.Count); // + the phone_numbers listing, charged to the WABA too
        Assert.True(CallWindows.MostInAnyWindow(wabaCalls, TimeSpan.FromSeconds(3)) <= 3, "more than 3 calls in one 3 s window");
    }

    [Fact]
    public async Task Metas_app_wide_throttle_pauses_every_tenant_of_the_app()
    {
        var scenario = ManyTenants.Create(2, 0);
        await using var h = await ServiceHarness.StartAsync(scenario);
        // Code 4: the whole app is over its limit, for 3 s.
        h.Simulator.State.AddFault(new FaultRule { Kind = FaultKind.Throttle, NodeId = ManyTenants.Waba(1), Code = 4, RegainAccessMinutes = 0.05, Times = 1 });

        await h.PublishAsync(new HealthCheckRequested { CustSpaceId = ManyTenants.Tenant(1), NodeType = NodeTypes.Waba, WabaId = ManyTenants.Waba(1) });
        // The simulator logs the throttled call when it arrives; the service knows of the pause only
        // once the answer is back and the check is parked, so the other tenant asks after that.
        await Eventually.TrueAsync(() => h.Logs.Lines.Any(l => l.Contains("Check parked until", StringComparison.Ordinal) && l.Contains($"({WaitReason.MetaPausedApp})", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), "the throttled check to be parked for Meta's app-wide pause");
        Assert.Single(h.Simulator.State.Calls, c => c.Outcome == "fault:throttle");
        await h.PublishAsync(new HealthCheckRequested { CustSpaceId = ManyTenants.Tenant(2), NodeType = NodeTypes.Waba, WabaId = ManyTenants.Waba(2) });

        await Eventually.TrueAsync(() => h.PublishedNow<HealthCheckCompleted>().Count == 2, TimeSpan.FromSeconds(60), "both tenants' checks, after the pause");
        Assert.Empty(h.PublishedNow<HealthCheckRejected>());
        var calls = h.Simulator.State.Calls.OrderBy(c => c.At).ToList();
        var throttle = calls.Single(c => c.Outcome == "fault:throttle");
        var other = calls.Single(c => c.TokenName == ManyTenants.Tenant(2));
        // The other tenant, asked during the pause, reached Meta only after it (3 s from the throttle).
        Assert.True(other.At - throttle.At >= TimeSpan.FromSeconds(2.9), $"the other tenant called Meta {other.At - throttle.At} after the app was throttled");
        Assert.Equal(2, calls.Count(c => c.TokenName == ManyTenants.Tenant(1)));
    }
}
