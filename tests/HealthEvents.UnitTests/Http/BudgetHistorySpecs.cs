using HealthEvents.Contracts;
using HealthEvents.Core.Budgets;
using HealthEvents.Core.Parking;
using HealthEvents.Domain.Tenants;
using HealthEvents.Graph;
using HealthEvents.Graph.Throttling;
using HealthEvents.Http.Operations;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HealthEvents.UnitTests.Http;

/// <summary>The dashboard's hour of budget use: one point per 10 s, the second's peak in it, an hour kept.</summary>
public class BudgetHistorySpecs
{
    private static readonly ITenantRegistry Tenants = TenantRegistry.Build(new TenantsOptions
    {
        Spaces = { ["a"] = new TenantOptions { AccessToken = "t", WabaIds = ["1"] } },
    });

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_bucket_keeps_the_busiest_second_and_the_hour_keeps_360_points()
    {
        using var budget = new GraphBudget(Tenants, Options.Create(new BudgetOptions()), _time);
        var parked = new ParkedChecks(_time);
        var history = new BudgetHistory(Tenants, budget, parked, _time);

        var leases = Enumerable.Range(0, 3).Select(_ => Assert.IsType<Admission.Granted>(budget.AdmitCall(new GraphCallScope("a", "1"))).Lease).ToList();
        parked.Parked(Guid.NewGuid(), new HealthCheckRequested { CustSpaceId = "a", NodeType = NodeTypes.Waba, WabaId = "1" }, _time.GetUtcNow().AddMinutes(1), WaitReason.TenantRate);
        history.Sample();
        foreach (var lease in leases)
        {
            lease.Dispose();
        }

        _time.Advance(TimeSpan.FromSeconds(2));
        history.Sample();

        var point = Assert.Single(history.For("a"));
        Assert.Equal((3, 5, 3, 1), (point.CallsPerSecondPeak, point.CallsPerSecond, point.WabaCallsThisHour, point.ParkedChecks));

        for (var i = 0; i < 400; i++)
        {
            _time.Advance(BudgetHistory.Bucket);
            history.Sample();
        }

        var hour = history.For("a");
        Assert.InRange(hour.Count, 360, 361);
        Assert.True(hour[0].At >= _time.GetUtcNow() - BudgetHistory.Kept);
        Assert.Equal(0, hour[^1].CallsPerSecondPeak);
        Assert.Empty(history.For("nobody"));
    }
}
