using System.Collections.Concurrent;
using HealthEvents.Core.Throttling;
using HealthEvents.Domain.Tenants;
using MassTransit;
using MassTransit.Middleware;
using Microsoft.Extensions.Options;

namespace HealthEvents.UnitTests.Throttling;

/// <summary>The per-tenant concurrency filter at the pipe level: no bus, no broker.</summary>
public class TenantConcurrencyFilterSpecs
{
    private static readonly ITenantRegistry Tenants = TenantRegistry.Build(new TenantsOptions
    {
        Defaults = new TenantLimitsOptions { RequestsPerSecond = 5, MaxConcurrency = 2 },
        Spaces =
        {
            ["a"] = new TenantOptions { AccessToken = "t", WabaIds = ["1"] },
            ["b"] = new TenantOptions { AccessToken = "t", WabaIds = ["2"], MaxConcurrency = 1 },
        },
    });

    [Fact]
    public async Task A_tenant_never_runs_more_than_its_max_concurrency_and_the_rest_wait_their_turn()
    {
        using var concurrency = NewConcurrency();
        var probe = new BlockingProbe();
        var pipe = Pipe.New<TenantContext>(cfg =>
        {
            cfg.UseTenantConcurrency(concurrency, c => c.Tenant);
            cfg.UseExecuteAsync(probe.RunAsync);
        });

        // Admitted contexts run synchronously up to the probe's wait; the others queue in the limiter.
        var sends = Enumerable.Range(0, 6).Select(_ => pipe.Send(new TenantContext("a"))).ToList();
        Assert.Equal(2, probe.Running("a"));

        probe.ReleaseAll();
        await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(6, probe.Finished("a"));
        Assert.Equal(2, probe.MostAtOnce("a"));
    }

    [Fact]
    public async Task A_busy_tenant_does_not_hold_up_another()
    {
        using var concurrency = NewConcurrency();
        var probe = new BlockingProbe(holdTenant: "a");
        var pipe = Pipe.New<TenantContext>(cfg =>
        {
            cfg.UseTenantConcurrency(concurrency, c => c.Tenant);
            cfg.UseExecuteAsync(probe.RunAsync);
        });
        var busy = Enumerable.Range(0, 5).Select(_ => pipe.Send(new TenantContext("a"))).ToList();

        await pipe.Send(new TenantContext("b")).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(1, probe.Finished("b"));
        Assert.Equal(0, probe.Finished("a"));
        probe.ReleaseAll();
        await Task.WhenAll(busy).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Contexts_without_a_tenant_pass_straight_through()
    {
        using var concurrency = NewConcurrency();
        var probe = new BlockingProbe();
        var pipe = Pipe.New<TenantContext>(cfg =>
        {
            cfg.UseTenantConcurrency(concurrency, c => c.Tenant);
            cfg.UseExecuteAsync(probe.RunAsync);
        });

        var sends = Enumerable.Range(0, 5).Select(_ => pipe.Send(new TenantContext(null))).ToList();
        Assert.Equal(5, probe.Running(""));

        probe.ReleaseAll();
        await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Fact]
    public void The_specification_refuses_a_missing_limiter_or_key()
    {
        var specification = new TenantConcurrencySpecification<TenantContext>(null, null);
        Assert.Equal(2, specification.Validate().Count());
    }

    private static TenantConcurrency NewConcurrency() => new(Tenants, Options.Create(new ThrottlingOptions()));

    private sealed class TenantContext(string? tenant) : BasePipeContext, PipeContext
    {
        public string? Tenant { get; } = tenant;
    }

    /// <summary>Counts contexts per tenant as they run, holding them until released.</summary>
    private sealed class BlockingProbe(string? holdTenant = null)
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ConcurrentDictionary<string, int> _running = new();
        private readonly ConcurrentDictionary<string, int> _most = new();
        private readonly ConcurrentDictionary<string, int> _finished = new();

        public int Running(string tenant) => _running.GetValueOrDefault(tenant);

        public int MostAtOnce(string tenant) => _most.GetValueOrDefault(tenant);

        public int Finished(string tenant) => _finished.GetValueOrDefault(tenant);

        public void ReleaseAll() => _release.TrySetResult();

        public async Task RunAsync(TenantContext context)
        {
            var tenant = context.Tenant ?? "";
            var now = _running.AddOrUpdate(tenant, 1, (_, n) => n + 1);
            _most.AddOrUpdate(tenant, now, (_, m) => Math.Max(m, now));
            if (holdTenant is null || holdTenant == tenant)
            {
                await _release.Task;
            }

            _running.AddOrUpdate(tenant, 0, (_, n) => n - 1);
            _finished.AddOrUpdate(tenant, 1, (_, n) => n + 1);
        }
    }
}
