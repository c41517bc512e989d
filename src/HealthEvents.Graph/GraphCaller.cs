using HealthEvents.Domain.Tenants;

namespace HealthEvents.Graph;

/// <summary>
/// Who a Graph call is made for: its token is the tenant's, its budget is the tenant's and the
/// WABA's (<see cref="Scope"/>).
/// </summary>
public sealed record GraphCaller(string CustSpaceId, string WabaId, AccessToken Token)
{
    /// <summary>The budget scopes the call is charged to; carries no secret.</summary>
    public GraphCallScope Scope => new(CustSpaceId, WabaId);

    public static GraphCaller For(Tenant tenant, string wabaId)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentException.ThrowIfNullOrWhiteSpace(wabaId);
        return new(tenant.CustSpaceId, wabaId, tenant.Token);
    }
}

/// <summary>The tenant and the WABA a Graph call is made for: the keys of the limits it is subject to.</summary>
public sealed record GraphCallScope(string CustSpaceId, string WabaId);
