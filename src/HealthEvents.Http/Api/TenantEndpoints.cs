using HealthEvents.Contracts;
using HealthEvents.Core.Budgets;
using HealthEvents.Core.HealthChecks;
using HealthEvents.Core.Parking;
using HealthEvents.Domain.Tenants;
using HealthEvents.Storage;
using Microsoft.AspNetCore.Http;

namespace HealthEvents.Http.Api;

/// <summary>
/// What the dashboard (and an operator with curl) reads: the customer spaces a key reaches with
/// their budget use now (<c>GET /v1/tenants</c>).
/// Budget use is this process's: with several instances, each shows the spaces whose shard it holds.
/// </summary>
public static class TenantEndpoints
{
    public sealed record TenantView(
        string CustSpaceId,
        IReadOnlyList<string> WabaIds,
        int CallsInLastSecond,
        int CallsPerSecond,
        IReadOnlyList<WabaUsage> Wabas,
        int ParkedChecks,
        TimeSpan? RefreshInterval);

    public sealed record TenantList(IReadOnlyList<TenantView> Tenants);

    public static IResult GetTenants(HttpContext http, ITenantRegistry tenants, GraphBudget budget, ParkedChecks parked)
    {
        ArgumentNullException.ThrowIfNull(http);
        var caller = ApiCaller.Of(http);
        var views = tenants.All
            .Where(t => caller.MayUse(t.CustSpaceId))
            .OrderBy(t => t.CustSpaceId, StringComparer.Ordinal)
            .Select(t =>
            {
                var usage = budget.Usage(t);
                return new TenantView(t.CustSpaceId, [.. t.WabaIds.Order(StringComparer.Ordinal)], usage.CallsInWindow, usage.CallsPerWindow,
                    usage.Wabas, parked.CountFor(t.CustSpaceId), t.RefreshInterval);
            });
        return ApiAnswers.Ok(http, new TenantList([.. views]));
    }
}
