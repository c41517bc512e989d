using HealthEvents.Contracts;
using HealthEvents.GraphSimulator.Scenarios;
using HealthEvents.IntegrationTests.Support;

namespace HealthEvents.IntegrationTests.Service;

public class TenantConcurrencyTests
{
    [Fact]
    public async Task A_tenant_never_runs_more_checks_at_once_than_its_limit_and_does_not_hold_up_others()
    {
        var scenario = ManyTenants.Create(2, 4);
        scenario.Latency = new LatencySettings { MinMs = 400, MaxMs = 400 };
        string alpha = ManyTenants.Tenant(1), beta = ManyTenants.Tenant(2);
        await using var h = await ServiceHarness.StartAsync(scenario, new Dictionary<string, string?>
        {
            [$"Tenants:Spaces:{alpha}:MaxConcurrency"] = "1",
            [$"Tenants:Spaces:{alpha}:RequestsPerSecond"] = "100",
        });

        // Four different nodes: checks of one node would coalesce into one call.
        for (var p = 1; p <= 4; p++)
        {
            await h.PublishAsync(new HealthCheckRequested { CustSpaceId = alpha, NodeType = NodeTypes.Phone, WabaId = ManyTenants.Waba(1), PhoneNumberId = ManyTenants.Phone(1, p) });
        }

        await h.PublishAsync(new HealthCheckRequested { CustSpaceId = beta, NodeType = NodeTypes.Waba, WabaId = ManyTenants.Waba(2) });
        await Eventually.TrueAsync(() => h.PublishedNow<HealthCheckCompleted>().Count == 5, TimeSpan.FromSeconds(30), "all checks");

        var calls = h.Simulator.State.Calls;
        var alphaHealth = calls.Where(c => c.TokenName == alpha && c.Path.Contains("health_status", StringComparison.Ordinal)).Select(c => c.At).Order().ToList();
        var betaFirst = calls.Where(c => c.TokenName == beta).Min(c => c.At);
        Assert.True(alphaHealth.Count == 4, "expected one health call per alpha check: " + string.Join("; ", calls));
        // One at a time, as the Graph side saw it: no alpha call arrived while another was being answered.
        Assert.Equal(1, h.Simulator.State.MostInFlight(alpha));
        Assert.True(betaFirst < alphaHealth[^1], "beta waited behind alpha's backlog");
    }
}
