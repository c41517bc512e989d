namespace HealthEvents.Domain.Tenants;

/// <summary>A customer space as the registry knows it, with its limits resolved.</summary>
public sealed record Tenant(
    string CustSpaceId,
    AccessToken Token,
    IReadOnlySet<string> WabaIds,
    TenantLimits Limits)
{
    /// <summary>The key this tenant's callers present to the HTTP API; null: only the admin key reaches its nodes.</summary>
    public ApiKey? ApiKey { get; init; }

    /// <summary>How often the tenant's known nodes are re-checked without being asked; null: never.</summary>
    public TimeSpan? RefreshInterval { get; init; }

    public bool Owns(string wabaId) => WabaIds.Contains(wabaId);
}

/// <summary>How many Graph calls per second and checks at once a tenant is allowed.</summary>
public sealed record TenantLimits(int RequestsPerSecond, int MaxConcurrency);
