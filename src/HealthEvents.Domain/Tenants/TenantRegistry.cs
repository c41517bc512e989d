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

            var token = ResolveToken(where, space, tokenSource, errors);
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

            if (token is not null)
            {
                tenants[id] = new Tenant(id, token, space.WabaIds.ToHashSet(StringComparer.Ordinal), limits);
            }
        }

        registry = errors.Count == 0 ? new TenantRegistry(tenants, defaults) : null;
        return errors;
    }

    private static AccessToken? ResolveToken(string where, TenantOptions space, ITokenSource source, List<string> errors)
    {
        var given = new[] { space.AccessToken, space.AccessTokenVariable, space.AccessTokenFile }
            .Count(s => !string.IsNullOrWhiteSpace(s));
        if (given != 1)
        {
            errors.Add($"{where}: set exactly one of AccessToken, AccessTokenVariable, AccessTokenFile (found {given}).");
            return null;
        }

        string? value;
        if (!string.IsNullOrWhiteSpace(space.AccessToken))
        {
            value = space.AccessToken;
        }
        else if (!string.IsNullOrWhiteSpace(space.AccessTokenVariable))
        {
            value = source.FromEnvironment(space.AccessTokenVariable);
            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add($"{where}:AccessTokenVariable: environment variable '{space.AccessTokenVariable}' is not set or empty.");
                return null;
            }
        }
        else
        {
            value = source.FromFile(space.AccessTokenFile!, out var problem);
            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add($"{where}:AccessTokenFile: cannot read a token from '{space.AccessTokenFile}' ({problem ?? "file is empty"}).");
                return null;
            }
        }

        if (value.Trim().Any(char.IsWhiteSpace))
        {
            errors.Add($"{where}: the access token contains white space.");
            return null;
        }

        return new AccessToken(value);
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
