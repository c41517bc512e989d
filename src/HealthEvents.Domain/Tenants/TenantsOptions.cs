namespace HealthEvents.Domain.Tenants;

/// <summary>
/// Configuration section <c>Tenants</c>: the tenant registry. Each customer space names exactly one
/// token source (inline value, environment variable or secret file) and the WABAs it owns.
/// </summary>
public sealed class TenantsOptions
{
    public const string SectionName = "Tenants";

    /// <summary>Limits for tenants that set none.</summary>
    public TenantLimitsOptions Defaults { get; set; } = new();

    /// <summary>Customer spaces by <c>CustSpaceId</c>.</summary>
    public Dictionary<string, TenantOptions> Spaces { get; set; } = new(StringComparer.Ordinal);
}

public sealed class TenantLimitsOptions
{
    /// <summary>Graph calls per second for the tenant; Alibaba's documented limit is 5.</summary>
    public int RequestsPerSecond { get; set; } = 5;

    /// <summary>Checks of the tenant processed at once.</summary>
    public int MaxConcurrency { get; set; } = 2;
}

public sealed class TenantOptions
{
    /// <summary>The token itself. Prefer <see cref="AccessTokenVariable"/> or <see cref="AccessTokenFile"/> outside development.</summary>
    public string? AccessToken { get; set; }

    /// <summary>Name of an environment variable that holds the token.</summary>
    public string? AccessTokenVariable { get; set; }

    /// <summary>Path of a file (e.g. a mounted secret) that holds the token.</summary>
    public string? AccessTokenFile { get; set; }

    /// <summary>Graph ids of the WABAs this customer space owns.</summary>
    public List<string> WabaIds { get; set; } = [];

    /// <summary>The key this tenant's callers present to the HTTP API (optional). Prefer <see cref="ApiKeyVariable"/> or <see cref="ApiKeyFile"/>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Name of an environment variable that holds the API key.</summary>
    public string? ApiKeyVariable { get; set; }

    /// <summary>Path of a file that holds the API key.</summary>
    public string? ApiKeyFile { get; set; }

    /// <summary>Re-check the tenant's known nodes this often, spread over the interval (optional, 1 minute to 7 days).</summary>
    public TimeSpan? RefreshInterval { get; set; }

    /// <summary>Overrides <see cref="TenantLimitsOptions.RequestsPerSecond"/>.</summary>
    public int? RequestsPerSecond { get; set; }

    /// <summary>Overrides <see cref="TenantLimitsOptions.MaxConcurrency"/>.</summary>
    public int? MaxConcurrency { get; set; }
}
