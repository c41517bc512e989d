using HealthEvents.Contracts;
using HealthEvents.GraphSimulator.Scenarios;
using HealthEvents.GraphSimulator.Simulation;
using HealthEvents.IntegrationTests.Support;
using MassTransit;

namespace HealthEvents.IntegrationTests.Service;

/// <summary>BRIEF §5: no tenant ever exceeds its budget in any one-second window, counted by the Graph side.</summary>
public class TenantBudgetTests
{
    private const int Tenants = 20;
    // Every check names a different node: checks of one node would coalesce into one Graph call.
    private const int PhonesEach = 13;

    /// <summary>The backlog waits seconds, so it is parked in the near queue and held by the service until due.</summary>
    [Fact]
    public async Task Twenty_tenants_with_backlogs_never_exceed_five_calls_in_any_second()
    {
        var scenario = ManyTenants.Create(Tenants, PhonesEach);
        // The simulator enforces Meta-like limits too: any call over 5/s per token would be refused and logged as such.
        scenario.RateLimits = new RateLimitSettings { PerTokenPerSecond = 5 };
        await using var h = await ServiceHarness.StartAsync(scenario);

        var requests = new List<HealthCheckRequested>();
        for (var round = 0; round <= PhonesEach; round++)
        {
            for (var t = 1; t <= Tenants; t++)
            {
                requests.Add(round == 0
                    ? new HealthCheckRequested { CustSpaceId = ManyTenants.Tenant(t), NodeType = NodeTypes.Waba, WabaId = ManyTenants.Waba(t), RequestedAt = DateTimeOffset.UtcNow }
                    : new HealthCheckRequested
                    {
                        CustSpaceId = ManyTenants.Tenant(t),
                        NodeType = NodeTypes.Phone,
                        WabaId = ManyTenants.Waba(t),
                        PhoneNumber = ManyTenants.Display(t, round),
                        RequestedAt = DateTimeOffset.UtcNow,
                    });
            }
        }

        await h.Bus.PublishBatch(requests, TestContext.Current.CancellationToken);
        await Eventually.TrueAsync(() => h.PublishedNow<HealthCheckCompleted>().Count == requests.Count, TimeSpan.FromSeconds(120), "every check to complete");

        var calls = h.Simulator.State.Calls;
        Assert.Equal(Tenants * (1 + PhonesEach + 1), calls.Count); // + one phone_numbers listing per tenant
        Assert.DoesNotContain(calls, c => c.Outcome.StartsWith("rate-limited", StringComparison.Ordinal));
        foreach (var (tenant, most) in CallWindows.MostInAnyWindowByToken(calls, TimeSpan.FromSeconds(1)))
        {
            Assert.True(most <= 5, $"{tenant} exceeded 5 calls in a one-second window");
        }

        // Processed in parallel: every tenant had started before any tenant finished.
        var firstCalls = calls.GroupBy(c => c.TokenName).Select(g => g.Min(c => c.At)).ToList();
        var lastCalls = calls.GroupBy(c => c.TokenName).Select(g => g.Max(c => c.At)).ToList();
        Assert.True(firstCalls.Max() < lastCalls.Min(), "tenants were processed one after another, not in parallel");

        // Where the backlog waited: held by the near queue's consumer until due and run there (this
        // one instance is the work queue's active consumer).
        var nearRuns = h.Logs.Lines.Count(l => l.Contains("Near-parked check", StringComparison.Ordinal) && l.Contains("running it here", StringComparison.Ordinal));
        Assert.True(nearRuns >= Tenants * (PhonesEach - 5), $"{nearRuns} checks ran from the near parking queue");
    }
}
