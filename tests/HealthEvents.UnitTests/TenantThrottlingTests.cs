using HealthEvents.Domain.Tenants;
using HealthEvents.Graph.Errors;
using HealthEvents.Core.Throttling;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HealthEvents.UnitTests;

public class TenantThrottlingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly ITenantRegistry Tenants = TenantRegistry.Build(new TenantsOptions
    {
        Defaults = new TenantLimitsOptions { RequestsPerSecond = 5, MaxConcurrency = 2 },
        Spaces =
        {
            ["a"] = new TenantOptions { AccessToken = "t", WabaIds = ["1"] },
            ["b"] = new TenantOptions { AccessToken = "t", WabaIds = ["2"], RequestsPerSecond = 2 },
        },
    });

    private static readonly IOptions<ThrottlingOptions> Options = Microsoft.Extensions.Options.Options.Create(new ThrottlingOptions { MaxBackoffWait = TimeSpan.FromSeconds(10) });

    [Fact]
    public async Task A_permit_returns_one_window_after_its_call_completes()
    {
        var time = new FakeTimeProvider();
        using var gate = new TenantRateGate(Tenants, Options, time);
        var leases = new List<IDisposable>();
        for (var i = 0; i < 5; i++)
        {
            leases.Add(await gate.EnterAsync("a", Ct));
        }

        var sixth = gate.EnterAsync("a", Ct).AsTask();
        Assert.False(sixth.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(5)); // calls still running: nothing comes back yet
        Assert.False(sixth.IsCompleted);

        leases[0].Dispose();
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(sixth.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        (await sixth.WaitAsync(TimeSpan.FromSeconds(5), Ct)).Dispose();
    }

    [Fact]
    public async Task Each_tenant_has_its_own_budget_with_its_override()
    {
        var time = new FakeTimeProvider();
        using var gate = new TenantRateGate(Tenants, Options, time);
        for (var i = 0; i < 2; i++)
        {
            await gate.EnterAsync("b", Ct);
        }

        var third = gate.EnterAsync("b", Ct).AsTask();
        var otherTenant = gate.EnterAsync("a", Ct).AsTask();

        Assert.False(third.IsCompleted);
        Assert.True(otherTenant.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_long_pause_from_meta_fails_fast_with_the_remaining_time()
    {
        var time = new FakeTimeProvider();
        using var gate = new TenantRateGate(Tenants, Options, time);
        gate.BackOff("a", TimeSpan.FromMinutes(3));

        var ex = await Assert.ThrowsAsync<GraphThrottledException>(() => gate.EnterAsync("a", Ct).AsTask());

        Assert.Equal(TimeSpan.FromMinutes(3), ex.RetryAfter);
        Assert.True((await gate.EnterAsync("b", Ct)) is not null, "another tenant is not paused");
    }

    [Fact]
    public async Task A_short_pause_is_waited_out()
    {
        var time = new FakeTimeProvider();
        using var gate = new TenantRateGate(Tenants, Options, time);
        gate.BackOff("a", TimeSpan.FromSeconds(4));
        gate.BackOff("a", TimeSpan.FromSeconds(2)); // a shorter request never shortens a pause

        var entering = gate.EnterAsync("a", Ct).AsTask();
        time.Advance(TimeSpan.FromSeconds(3));
        Assert.False(entering.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        (await entering.WaitAsync(TimeSpan.FromSeconds(5), Ct)).Dispose();
    }

    [Fact]
    public async Task A_tenant_at_its_concurrency_limit_never_delays_another()
    {
        using var concurrency = new TenantConcurrency(Tenants, Options);
        using var first = await concurrency.AcquireAsync("a", Ct);
        using var second = await concurrency.AcquireAsync("a", Ct);

        var third = concurrency.AcquireAsync("a", Ct).AsTask();
        var other = concurrency.AcquireAsync("b", Ct).AsTask();

        Assert.False(third.IsCompleted);
        Assert.True(other.IsCompletedSuccessfully);
        first.Dispose();
        (await third.WaitAsync(TimeSpan.FromSeconds(5), Ct)).Dispose();
        (await other).Dispose();
    }
}
