using HealthEvents.Contracts;
using HealthEvents.GraphSimulator.Scenarios;
using HealthEvents.IntegrationTests.Support;
using MassTransit;

namespace HealthEvents.IntegrationTests.Reliability;

/// <summary>
/// Meta misbehaving (down, answering garbage, timing out, throttling, refusing a token) while
/// checks flow: every request still gets exactly one answer, nothing lands in the error queue,
/// the store ends equal to Meta, and no budget is exceeded.
/// </summary>
public class UpstreamFaultTests
{
    private const int Tenants = 3;
    private const int PhonesEach = 6;

    [Fact]
    public async Task A_meta_outage_answers_every_check_as_upstream_unavailable_and_checks_after_it_complete()
    {
        var scenario = ManyTenants.Create(Tenants, PhonesEach);
        await using var h = await ServiceHarness.StartAsync(scenario, new Dictionary<string, string?>
        {
            ["HealthChecks:UpstreamDeadline"] = "00:00:03",
            // The outage opens each tenant's circuit; shorter than the deadline, so checks after it get through.
            ["GraphApi:CircuitBreakDuration"] = "00:00:01",
        });
        await using var ledger = await OutcomeLedger.StartAsync(h.BrokerAddress, "upstream-outage-ledger");
        h.Simulator.State.AddFault(new FaultRule { Kind = FaultKind.ServerError });

        var during = await ledger.AskAllPhonesAsync(Tenants, PhonesEach);
        await Verdicts.EveryRequestAnsweredOnceAsync(ledger, during, TimeSpan.FromSeconds(60), h.Store);
        Assert.All(during, id => Assert.Equal(RejectionReasons.UpstreamUnavailable, ledger.Only<HealthCheckRejected>(id)?.Reason));

        h.Simulator.State.ClearFaults();
        var recovered = System.Diagnostics.Stopwatch.StartNew();
        h.Simulator.State.SetHealth(ManyTenants.Phone(1, 1), new NodeHealth { CanSendMessage = "BLOCKED", Errors = [new NodeHealthError(141006, "payment", "fix payment")] });
        var after = await ledger.AskAllPhonesAsync(Tenants, PhonesEach);
        await Verdicts.EveryRequestAnsweredOnceAsync(ledger, after, TimeSpan.FromSeconds(60), h.Store);
        Assert.All(after, id => Assert.True(ledger.Only<HealthCheckCompleted>(id) is not null, $"answered {ledger.Only<HealthCheckRejected>(id)?.Detail}"));

        await Verdicts.SettledAsync(h, ledger, Tenants, PhonesEach);
        Verdicts.Report("Meta outage", "every Graph call 500 until cleared", during.Count + after.Count, ledger, 0, h.Simulator.State, recovered.Elapsed);
    }

    [Fact]
    public async Task Garbage_answers_and_timeouts_from_meta_still_end_in_exactly_one_answer_per_check()
    {
        var scenario = ManyTenants.Create(Tenants, PhonesEach);
        await using var h = await ServiceHarness.StartAsync(scenario, new Dictionary<string, string?>
        {
            ["HealthChecks:UpstreamDeadline"] = "00:00:20",
            ["GraphApi:AttemptTimeout"] = "00:00:00.500",
        });
        await using var ledger = await OutcomeLedger.StartAsync(h.BrokerAddress, "upstream-garbage-ledger");
        h.Simulator.State.AddFault(new FaultRule { Kind = FaultKind.MalformedJson, Probability = 0.3 });
        h.Simulator.State.AddFault(new FaultRule { Kind = FaultKind.Timeout, Probability = 0.2, DelayMs = 2_000 });
        h.Simulator.State.AddFault(new FaultRule { Kind = FaultKind.Throttle, NodeId = ManyTenants.Phone(2, 1), Times = 2, RegainAccessMinutes = 0.02 });

        var requests = await ledger.AskAllPhonesAsync(Tenants, PhonesEach);
        await Verdicts.EveryRequestAnsweredOnceAsync(ledger, requests, TimeSpan.FromSeconds(90), h.Store);
        Assert.All(requests, id => Assert.True(
            ledger.Only<HealthCheckCompleted>(id) is not null || ledger.Only<HealthCheckRejected>(id)?.Reason == RejectionReasons.UpstreamUnavailable,
            "answered as completed or upstream unavailable"));

        await Verdicts.SettledAsync(h, ledger, Tenants, PhonesEach);
        Verdicts.Report("Meta garbage, timeouts, throttling", "30 % malformed JSON, 20 % 2 s timeouts, 2 throttles", requests.Count, ledger, 0, h.Simulator.State, null);
    }

    [Fact]
    public async Task A_refused_token_stops_its_tenants_graph_calls_and_says_so_once()
    {
        var scenario = ManyTenants.Create(1, PhonesEach);
        await using var h = await ServiceHarness.StartAsync(scenario, new Dictionary<string, string?>
        {
            // A tenant whose token Meta does not accept (190), owning a WABA Meta knows.
            ["Tenants:Spaces:revoked:AccessToken"] = "revoked-token-" + Guid.NewGuid().ToString("N"),
            ["Tenants:Spaces:revoked:WabaIds:0"] = ManyTenants.Waba(1),
        });
        await using var ledger = await OutcomeLedger.StartAsync(h.BrokerAddress, "revoked-token-ledger");

        var requests = new List<Guid>();
        for (var round = 0; round < 3; round++)
        {
            for (var p = 1; p <= PhonesEach; p++)
            {
                var id = NewId.NextGuid();
                requests.Add(id);
                await ledger.Bus.Publish(ManyTenants.PhoneCheck(1, p) with { CustSpaceId = "revoked" }, c => c.MessageId = id, TestContext.Current.CancellationToken);
            }
        }

        await Verdicts.EveryRequestAnsweredOnceAsync(ledger, requests, TimeSpan.FromSeconds(60), h.Store);
        Assert.All(requests, id =>
        {
            var rejected = ledger.Only<HealthCheckRejected>(id);
            Assert.Equal(RejectionReasons.UpstreamRejected, rejected?.Reason);
            Assert.Equal(190, rejected?.UpstreamErrorCode);
        });
        // Only the calls already running when Meta first refused (the tenant's MaxConcurrency, 2) reached Meta.
        var refusedCalls = h.Simulator.State.Calls.Count(c => c.TokenName == GraphSimulator.Simulation.SimulatorState.UnknownToken);
        Assert.InRange(refusedCalls, 1, 2);
        Assert.Single(h.Logs.Lines, l => l.Contains("Meta refused the access token", StringComparison.Ordinal));
        Verdicts.Report("Refused token", "token unknown to Meta (190)", requests.Count, ledger, 0, h.Simulator.State, null);
    }
}
