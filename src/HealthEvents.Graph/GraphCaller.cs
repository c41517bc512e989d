using HealthEvents.Domain.Tenants;

namespace HealthEvents.Graph;

/// <summary>Who a Graph call is made for: its budget is the tenant's, its token the tenant's.</summary>
public sealed record GraphCaller(string CustSpaceId, AccessToken Token)
{
    public static GraphCaller For(Tenant tenant)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        return new(tenant.CustSpaceId, tenant.Token);
    }
}
