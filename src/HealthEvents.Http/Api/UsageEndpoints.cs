using HealthEvents.Http.Operations;
using Microsoft.AspNetCore.Http;

namespace HealthEvents.Http.Api;

/// <summary><c>GET /v1/tenants/usage</c>: a space's last hour of budget use (<see cref="BudgetHistory"/>), one point per 10 s.</summary>
public static class UsageEndpoints
{
    public sealed record UsageSeries(string CustSpaceId, TimeSpan Bucket, IReadOnlyList<BudgetHistory.UsagePoint> Points);

    public static IResult Get(HttpContext http, BudgetHistory history, string? CustSpaceId = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        return TenantParameter.Resolve(http) is { } tenant
            ? ApiAnswers.Ok(http, new UsageSeries(tenant, BudgetHistory.Bucket, history.For(tenant)))
            : TenantParameter.Problem(http);
    }
}
