using System.Globalization;
using HealthEvents.Contracts;
using HealthEvents.IntegrationTests.Support;
using MassTransit;

namespace HealthEvents.IntegrationTests.Reliability;

/// <summary>Faults of the broker itself touch every test on it: these run alone, after the others.</summary>
[CollectionDefinition(nameof(BrokerFaults), DisableParallelization = true)]
public sealed class BrokerFaults;

/// <summary>
/// The broker blocking publishers (a memory alarm) and the broker restarting, while checks flow:
/// no Graph calls for answers that cannot be sent, and afterwards every request answered once,
/// no change event lost or duplicated with a new version, the store equal to Meta.
/// </summary>
[Collection(nameof(BrokerFaults))]
public class BrokerFaultTests
{
    private const int Tenants = 3;
    private const int PhonesEach = 20;

    [Fact]
    public async Task While_the_broker_blocks_publishers_no_new_checks_call_meta_and_afterwards_every_request_has_one_answer()
    {
        var scenario = ManyTenants.Create(Tenants, PhonesEach);
        scenario.Latency = new() { MinMs = 50, MaxMs = 150 };
        await using var h = await ServiceHarness.StartAsync(scenario);
        await using var ledger = await OutcomeLedger.StartAsync(h.BrokerAddress, "broker-alarm-ledger");
        var requests = await ledger.AskAllPhonesAsync(Tenants, PhonesEach);
        await Eventually.TrueAsync(() => ledger.AnsweredCount > 0, TimeSpan.FromSeconds(30), "the first answers");

        var watermark = await CurrentWatermarkAsync();
        try
        {
            Assert.True(await RabbitBroker.RabbitMqCtlAsync("set_vm_memory_high_watermark", "0.00001"), "could not raise a memory alarm");
            await Eventually.TrueAsync(() => h.Logs.Lines.Any(l => l.Contains("The broker is blocking publishers", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(30), "the service to notice the block");
            var callsWhenBlocked = h.Simulator.State.Calls.Count;
            var unanswered = requests.Count(id => !ledger.HasOutcome(id));

            // Absence can only be observed over time: two seconds of alarm in which checks would otherwise run ~30 Graph calls.
            await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
            var callsDuringBlock = h.Simulator.State.Calls.Count - callsWhenBlocked;

            // Checks already past the gate may finish their calls: at most MaxConcurrency (2) per tenant, two calls each.
            Assert.True(callsDuringBlock <= Tenants * 2 * 2, $"{callsDuringBlock} Graph calls while publishing was blocked");
            Assert.True(unanswered > Tenants * 2 * 2, "the block came too late to hold anything back");
        }
        finally
        {
            await RabbitBroker.RabbitMqCtlAsync("set_vm_memory_high_watermark", watermark);
        }

        var recovered = System.Diagnostics.Stopwatch.StartNew();
        await Verdicts.EveryRequestAnsweredOnceAsync(ledger, requests, TimeSpan.FromSeconds(90), h.Store);
        var recovery = recovered.Elapsed;
        await Verdicts.SettledAsync(h, ledger, Tenants, PhonesEach);
        Verdicts.Report("Broker memory alarm", "publishers blocked 2 s mid-run", requests.Count, ledger, 0, h.Simulator.State, recovery);
    }

    [Fact]
    public async Task A_broker_restart_mid_run_loses_no_request_and_answers_none_twice()
    {
        var scenario = ManyTenants.Create(Tenants, PhonesEach);
        scenario.Latency = new() { MinMs = 30, MaxMs = 80 };
        await using var h = await ServiceHarness.StartAsync(scenario);
        await using var ledger = await OutcomeLedger.StartAsync(h.BrokerAddress, "broker-restart-ledger");
        var requests = await ledger.AskAllPhonesAsync(Tenants, PhonesEach);
        await Eventually.TrueAsync(() => ledger.AnsweredCount >= requests.Count / 6, TimeSpan.FromSeconds(30), "some answers before the restart");

        Assert.True(await RabbitBroker.RabbitMqCtlAsync("stop_app"), "could not stop the broker");
        try
        {
            Assert.True(ledger.AnsweredCount < requests.Count, "the restart came too late to interrupt anything");
        }
        finally
        {
            await RabbitBroker.RabbitMqCtlAsync("start_app");
            await RabbitBroker.RabbitMqCtlAsync("await_startup");
        }

        var recovered = System.Diagnostics.Stopwatch.StartNew();
        await Verdicts.EveryRequestAnsweredOnceAsync(ledger, requests, TimeSpan.FromSeconds(120), h.Store);
        var recovery = recovered.Elapsed;
        await Verdicts.SettledAsync(h, ledger, Tenants, PhonesEach);
        Verdicts.Report("Broker restart", "rabbitmqctl stop_app / start_app mid-run", requests.Count, ledger, 0, h.Simulator.State, recovery);
    }

    private static async Task<string> CurrentWatermarkAsync()
    {
        var (ok, output) = await RabbitBroker.RabbitMqCtlOutputAsync("eval", "vm_memory_monitor:get_vm_memory_high_watermark().");
        return ok && double.TryParse(output.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? output.Trim() : "0.4";
    }
}
