using HealthEvents.Contracts;
using HealthEvents.GraphSimulator.Scenarios;
using HealthEvents.IntegrationTests.Support;
using static HealthEvents.IntegrationTests.Support.TestScenarios;

namespace HealthEvents.IntegrationTests.Service;

public class TenantConcurrencyTests
{
    [Fact]
    public async Task A_tenant_never_runs_more_checks_at_once_than_its_limit_and_does_not_hold_up_others()
    {
        var scenario = TwoTenants();
        scenario.Latency = new LatencySettings { MinMs = 400, MaxMs = 400 };
        await using var h = await ServiceHarness.StartAsync(scenario, new Dictionary<string, string?>
        {
            ["Tenants:Spaces:alpha:MaxConcurrency"] = "1",
            ["Tenants:Spaces:alpha:RequestsPerSecond"] = "100",
        });

        for (var i = 0; i < 4; i++)
        {
            await h.PublishAsync(new HealthCheckRequested { CustSpaceId = "alpha", NodeType = NodeTypes.Waba, WabaId = AlphaWaba });
        }

        await h.PublishAsync(new HealthCheckRequested { CustSpaceId = "beta", NodeType = NodeTypes.Waba, WabaId = BetaWaba });
        await Eventually.TrueAsync(() => h.PublishedNow<HealthCheckCompleted>().Count == 5, TimeSpan.FromSeconds(30), "all checks");

        var calls = h.Simulator.State.Calls;
        var alpha = calls.Where(c => c.TokenName == "alpha").Select(c => c.At).Order().ToList();
        var beta = calls.Where(c => c.TokenName == "beta").Min(c => c.At);
        Assert.True(alpha.Count == 4, "expected one call per alpha check: " + string.Join("; ", calls));
        // One at a time, as the Graph side saw it: no alpha call arrived while another was being answered.
        Assert.Equal(1, h.Simulator.State.MostInFlight("alpha"));
        Assert.True(beta < alpha[^1], "beta waited behind alpha's backlog");
    }
}
