using HealthEvents.Contracts;
using HealthEvents.Demo;
using HealthEvents.Gate;
using HealthEvents.GraphSimulator;
using HealthEvents.GraphSimulator.Scenarios;
using HealthEvents.IntegrationTests.Support;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using static HealthEvents.IntegrationTests.Support.TestScenarios;

namespace HealthEvents.IntegrationTests.Gate;

/// <summary>The gate in a sender's process, the service in its own, one RabbitMQ broker between them.</summary>
public class GateBrokerTests
{
    [Fact]
    public async Task When_the_service_sees_a_node_change_a_gate_in_another_process_flips_its_decision_without_being_asked()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var vhost = await RabbitBroker.CreateVirtualHostAsync();
        var scenario = TwoTenants();
        scenario.Health[AlphaPhone] = new NodeHealth();
        await using var simulator = await GraphSimulatorHost.StartAsync(scenario);
        var directory = Directory.CreateTempSubdirectory("healthevents-gate-").FullName;
        using var service = ServiceProcess.Start(ScenarioService.Settings(scenario, simulator.BaseAddress, Path.Combine(directory, "store.db"), new Dictionary<string, string?>
        {
            ["Bus:Transport"] = "RabbitMq",
            ["Bus:RabbitMqUri"] = vhost.Address.ToString(),
        }), directory);

        // The sender: its own bus and the gate, nothing of the service.
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddMassTransit(x => x.UsingRabbitMq((_, bus) => bus.Host(vhost.Address)));
        builder.Services.AddHealthEventsGate();
        using var sender = builder.Build();
        await sender.StartAsync(ct);
        try
        {
            var gate = sender.Services.GetRequiredService<IHealthGate>();
            var node = GateNode.Phone("alpha", AlphaWaba, AlphaPhone);
            await Eventually.ReturnsAsync(() => sender.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(ct),
                report => report.Entries["healthevents-gate"].Status == HealthStatus.Healthy, TimeSpan.FromSeconds(60), "the gate's readiness check");
            await using (var broker = await BrokerProbe.ConnectAsync(vhost.Address))
            {
                await Eventually.ReturnsAsync(() => broker.ConsumerCountAsync("health-check-requested.work"), n => n >= 1, TimeSpan.FromSeconds(90), "the service to consume");
            }

            var bus = sender.Services.GetRequiredService<IBus>();
            var check = new HealthCheckRequested { CustSpaceId = "alpha", NodeType = NodeTypes.Phone, WabaId = AlphaWaba, PhoneNumberId = AlphaPhone };
            await bus.Publish(check with { RequestedAt = DateTimeOffset.UtcNow }, ct);
            await Eventually.TrueAsync(() => gate.Decide(node).Allowed, TimeSpan.FromSeconds(60), () => $"the first sight to allow sending: {Describe(gate.Decide(node))}\n{service.Output}");

            // Meta blocks the number; the next check anyone makes (here, the sender's pipeline) changes it.
            simulator.State.SetHealth(AlphaPhone, new NodeHealth
            {
                CanSendMessage = "BLOCKED",
                Errors = [new NodeHealthError(131031, "The account has been locked.", "Contact support.")],
            });
            await bus.Publish(check with { RequestedAt = DateTimeOffset.UtcNow }, ct);

            await Eventually.TrueAsync(() => gate.Decide(node) is { Allowed: false, Version: 2 }, TimeSpan.FromSeconds(60), () => $"the gate to flip: {Describe(gate.Decide(node))}");
            var blocked = gate.Decide(node);
            Assert.Equal((MessagingStatus.Blocked, CampaignVerdicts.Stop, GateSources.Events), (blocked.Status, blocked.Verdict.Verdict, blocked.Source));
            Assert.Contains("The account has been locked.", blocked.Verdict.Reasons[0].Text, StringComparison.Ordinal);
        }
        finally
        {
            await sender.StopAsync(CancellationToken.None);
            await service.TerminateAsync();
            await service.WaitForExitAsync(TimeSpan.FromSeconds(60));
        }
    }

    private static string Describe(GateDecision d) =>
        $"{d.Verdict.Verdict} v{d.Version} {d.Status} ({string.Join("; ", d.Verdict.Reasons.Select(r => r.Code))})";
}
