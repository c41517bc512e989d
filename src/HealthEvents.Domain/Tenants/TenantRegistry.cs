using System.Diagnostics.CodeAnalysis;

namespace HealthEvents.Domain.Tenants;

/// <summary>
/// The registry built once from <see cref="TenantsOptions"/>. Building it resolves every token
/// source and reports all configuration problems at once, naming the tenant and the setting but
/// never a token value.
/// </summary>
public sealed class TenantRegistry : ITenantRegistry
{
    private readonly Dictionary<string, Tenant> _tenants;
    private readonly TenantLimits _defaults;

    private TenantRegistry(Dictionary<string, Tenant> tenants, TenantLimits defaults)
    {
        _tenants = tenants;
        _defaults = defaults;
    }

    public IReadOnlyCollection<Tenant> All => _tenants.Values;

    public bool TryGet(string custSpaceId, [NotNullWhen(true)] out Tenant? tenant) =>
        _tenants.TryGetValue(custSpaceId, out tenant);

    public TenantLimits LimitsFor(string custSpaceId) =>
        _tenants.TryGetValue(custSpaceId, out var tenant) ? tenant.Limits : _defaults;

    /// <summary>Builds the registry or throws <see cref="TenantConfigurationException"/> listing every problem.</summary>
    public static TenantRegistry Build(TenantsOptions options, ITokenSource? tokenSource = null)
    {
        var errors = Validate(options, tokenSource, out var registry);
        return errors.Count == 0 ? registry! : throw new TenantConfigurationException(errors);
    }

    /// <summary>Every problem with <paramref name="options"/>; empty when the registry could be built.</summary>
    public static IReadOnlyList<string> Validate(TenantsOptions options, ITokenSource? tokenSource, out TenantRegistry? registry)
    {
        ArgumentNullException.ThrowIfNull(options);
        tokenSource ??= SystemTokenSource.Instance;
        var errors = new List<string>();
        var defaults = new TenantLimits(options.Defaults.RequestsPerSecond, options.Defaults.MaxConcurrency);
        CheckLimits("Tenants:Defaults", defaults, errors);

        var tenants = new Dictionary<string, Tenant>(StringComparer.Ordinal);
        foreach (var (id, space) in options.Spaces)
        {
            var where = $"Tenants:Spaces:{id}";
            if (string.IsNullOrWhiteSpace(id) || id.Length > 64)
            {
                errors.Add($"{where}: a CustSpaceId must be 1 to 64 characters.");
                continue;
            }

            var token = SecretSources.Resolve(where, "AccessToken", space.AccessToken, space.AccessTokenVariable, space.AccessTokenFile, tokenSource, errors, required: true);
            var apiKey = SecretSources.Resolve(where, "ApiKey", space.ApiKey, space.ApiKeyVariable, space.ApiKeyFile, tokenSource, errors, required: false);
            var limits = new TenantLimits(
                space.RequestsPerSecond ?? defaults.RequestsPerSecond,
                space.MaxConcurrency ?? defaults.MaxConcurrency);
            CheckLimits(where, limits, errors);

            if (space.WabaIds.Count == 0)
            {
                errors.Add($"{where}:WabaIds: list at least one WABA the tenant owns.");
            }

            foreach (var waba in space.WabaIds.Where(w => !Domain.HealthChecks.GraphId.IsValid(w)))
            {
                errors.Add($"{where}:WabaIds: '{waba}' is not a Graph id (digits only).");
            }

            if (space.RefreshInterval is { } refresh && (refresh < TimeSpan.FromMinutes(1) || refresh > TimeSpan.FromDays(7)))
            {
                errors.Add($"{where}:RefreshInterval must be between 00:01:00 and 7.00:00:00 (was {refresh}).");
            }

            if (token is not null)
            {
                tenants[id] = new Tenant(id, new AccessToken(token), space.WabaIds.ToHashSet(StringComparer.Ordinal), limits)
                {
                    ApiKey = apiKey is null ? null : new ApiKey(apiKey),
                    RefreshInterval = space.RefreshInterval,
                };
            }
        }

        // One key, one tenant: a key shared by two spaces could not say whose nodes it may read.
        foreach (var shared in tenants.Values.Where(t => t.ApiKey is not null).GroupBy(t => t.ApiKey!.Fingerprint).Where(g => g.Count() > 1))
        {
            errors.Add($"Tenants:Spaces: {string.Join(" and ", shared.Select(t => t.CustSpaceId).Order(StringComparer.Ordinal))} have the same ApiKey; give each its own.");
        }

        registry = errors.Count == 0 ? new TenantRegistry(tenants, defaults) : null;
        return errors;
    }

    private static void CheckLimits(string where, TenantLimits limits, List<string> errors)
    {
        if (limits.RequestsPerSecond is < 1 or > 10_000)
        {
            errors.Add($"{where}:RequestsPerSecond must be between 1 and 10000 (was {limits.RequestsPerSecond}).");
        }

        if (limits.MaxConcurrency is < 1 or > 1_000)
        {
            errors.Add($"{where}:MaxConcurrency must be between 1 and 1000 (was {limits.MaxConcurrency}).");
        }
    }
}

/// <summary>The tenant configuration is unusable; the message lists every problem.</summary>
public sealed class TenantConfigurationException(IReadOnlyList<string> errors)
    : Exception("Tenant registry configuration is invalid:" + Environment.NewLine + string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
