using HealthEvents.Contracts;
using HealthEvents.Core.Budgets;
using HealthEvents.Core.Bus;
using HealthEvents.Core.HealthChecks;
using HealthEvents.Domain.Tenants;
using HealthEvents.Storage;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HealthEvents.Core.Refresh;

/// <summary>
/// Re-checks the known nodes of every tenant that sets <c>RefreshInterval</c>, one round per
/// interval, spread evenly (<see cref="RefreshPlan"/>). Refresh checks are ordinary requests on
/// the entry queue, so the tenant's per-second, concurrency and hourly budgets apply as to any
/// other; their <c>MaxAge</c> of half the interval lets a node checked recently (by anyone, or by
/// another instance's refresh) answer from the store without a Graph call.
/// </summary>
public sealed class ScheduledRefresh(
    ITenantRegistry tenants,
    IHealthStore store,
    IBus bus,
    IOptions<BusOptions> busOptions,
    IOptions<BudgetOptions> budgetOptions,
    TimeProvider time,
    ILogger<ScheduledRefresh> logger) : BackgroundService
{
    private static readonly TimeSpan AfterStoreFailure = TimeSpan.FromMinutes(1);

    /// <summary>How long one re-check may take to reach the broker before the refresh moves on.</summary>
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(30);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(tenants.All.Where(t => t.RefreshInterval is not null).Select(t => RefreshAsync(t, t.RefreshInterval!.Value, stoppingToken)));

    private async Task RefreshAsync(Tenant tenant, TimeSpan requested, CancellationToken stoppingToken)
    {
        var stretchedTo = TimeSpan.Zero;
        while (!stoppingToken.IsCancellationRequested)
        {
            var roundStart = time.GetUtcNow();
            RefreshPlan plan;
            try
            {
                var nodes = await store.ListSnapshotsAsync(new SnapshotQuery(tenant.CustSpaceId, Max: 100_000), stoppingToken);
                plan = RefreshPlan.Make(requested, nodes, budgetOptions.Value.WabaCallsPerHour);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError("Scheduled refresh of {CustSpaceId} could not list its nodes ({Error}); trying again in {Wait}",
                    tenant.CustSpaceId, ex.GetType().Name, AfterStoreFailure);
                await Task.Delay(AfterStoreFailure, time, stoppingToken);
                continue;
            }

            if (plan.Interval > requested && plan.Interval != stretchedTo)
            {
                logger.LogWarning("Scheduled refresh of {CustSpaceId}: {Nodes} nodes every {Requested} would spend more than half a WABA's hourly quota; refreshing every {Interval} instead",
                    tenant.CustSpaceId, plan.Items.Count, requested, plan.Interval);
                stretchedTo = plan.Interval;
            }

            foreach (var item in plan.Items)
            {
                await WaitUntilAsync(roundStart + item.Offset, stoppingToken);
                try
                {
                    await bus.SendChecksAsync(busOptions.Value, [(Recheck(tenant, item.Node, plan.Interval / 2), NewId.NextGuid())], SendTimeout, stoppingToken);
                }
                catch (TimeoutException)
                {
                    // The broker is away: this node waits for the next round rather than holding up the rest.
                    logger.LogWarning("Scheduled refresh of {CustSpaceId}: the broker did not take a re-check within {Timeout}", tenant.CustSpaceId, SendTimeout);
                }
            }

            await WaitUntilAsync(roundStart + plan.Interval, stoppingToken);
        }
    }

    /// <summary>The node by its Graph id, which it has once checked: no listing call to resolve it again.</summary>
    private HealthCheckRequested Recheck(Tenant tenant, StoredSnapshot node, TimeSpan maxAge) => CheckTarget.ById(new()
    {
        CustSpaceId = tenant.CustSpaceId,
        NodeType = node.Key.NodeType,
        WabaId = node.Identity.WabaId,
        MaxAge = maxAge,
        RequestedAt = time.GetUtcNow(),
    }, node.Key.NodeId);

    private async Task WaitUntilAsync(DateTimeOffset when, CancellationToken stoppingToken)
    {
        var wait = when - time.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, stoppingToken);
        }
    }
}
