using HealthEvents.Core.Budgets;
using HealthEvents.Domain.Tenants;
using HealthEvents.Graph;
using HealthEvents.Graph.Throttling;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HealthEvents.UnitTests.Budgets;

/// <summary>The call gate on a fake clock: it waits in place for a near call and hands back a far one's deferral as the budget named it.</summary>
public class BudgetCallGateSpecs
{
    private static readonly ITenantRegistry Tenants = TenantRegistry.Build(new TenantsOptions
    {
        Defaults = new TenantLimitsOptions { RequestsPerSecond = 1, MaxConcurrency = 2 },
        Spaces = { ["a"] = new TenantOptions { AccessToken = "t", WabaIds = ["1"] } },
    });

    private static readonly GraphCallScope A = new("a", "1");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

    private (GraphBudget Budget, BudgetCallGate Gate) NewGate()
    {
        var options = Options.Create(new BudgetOptions());
        var budget = new GraphBudget(Tenants, options, _time);
        return (budget, new BudgetCallGate(budget, options, _time));
    }

    [Fact]
    public async Task A_call_within_MaxBackoffWait_waits_in_place_and_then_goes()
    {
        var (budget, gate) = NewGate();
        using var _ = budget;
        Assert.IsType<CallPermit.Go>(await gate.EnterAsync(A, TestContext.Current.CancellationToken)).Lease.Dispose();

        var second = gate.EnterAsync(A, TestContext.Current.CancellationToken).AsTask();
        Assert.False(second.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.IsType<CallPermit.Go>(await second).Lease.Dispose();
    }

    [Fact]
    public async Task A_call_further_off_than_MaxBackoffWait_is_handed_back_with_the_budgets_time_and_reason()
    {
        var (budget, gate) = NewGate();
        using var _ = budget;
        budget.Pause(A, new MetaPause(ThrottleScope.Waba, TimeSpan.FromMinutes(5)));

        var permit = await gate.EnterAsync(A, TestContext.Current.CancellationToken);

        Assert.Equal(new CallPermit.Later(new CallDeferral(_time.GetUtcNow() + TimeSpan.FromMinutes(5), WaitReason.MetaPausedWaba)), permit);
    }
}
