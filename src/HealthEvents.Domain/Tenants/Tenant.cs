namespace HealthEvents.Domain.Tenants;

/// <summary>A customer space as the registry knows it, with its limits resolved.</summary>
public sealed record Tenant(
    string CustSpaceId,
    AccessToken Token,
    IReadOnlySet<string> WabaIds,
    TenantLimits Limits)
{
    public bool Owns(string wabaId) => WabaIds.Contains(wabaId);
}

/// <summary>How many Graph calls per second and checks at once a tenant is allowed.</summary>
public sealed record TenantLimits(int RequestsPerSecond, int MaxConcurrency);
