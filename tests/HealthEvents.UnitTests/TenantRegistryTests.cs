using HealthEvents.Domain.Tenants;

namespace HealthEvents.UnitTests;

public class TenantRegistryTests
{
    private const string Secret = "EAAJB-canary-secret-0001";

    private sealed class FakeTokenSource(Dictionary<string, string> env, Dictionary<string, string> files) : ITokenSource
    {
        public string? FromEnvironment(string variable) => env.GetValueOrDefault(variable);

        public string? FromFile(string path, out string? problem)
        {
            problem = files.ContainsKey(path) ? null : "FileNotFoundException";
            return files.GetValueOrDefault(path);
        }
    }

    private static readonly FakeTokenSource Sources = new(
        new() { ["ALPHA_TOKEN"] = Secret },
        new() { ["/run/secrets/beta"] = Secret + "\n" });

    private static TenantsOptions Options(params (string Id, TenantOptions Space)[] spaces)
    {
        var options = new TenantsOptions();
        foreach (var (id, space) in spaces)
        {
            options.Spaces[id] = space;
        }

        return options;
    }

    [Fact]
    public void Tokens_come_from_value_environment_or_file_and_limits_fall_back_to_defaults()
    {
        var registry = TenantRegistry.Build(Options(
            ("a", new TenantOptions { AccessTokenVariable = "ALPHA_TOKEN", WabaIds = ["1"] }),
            ("b", new TenantOptions { AccessTokenFile = "/run/secrets/beta", WabaIds = ["2"], RequestsPerSecond = 9 }),
            ("c", new TenantOptions { AccessToken = Secret, WabaIds = ["3"], MaxConcurrency = 4 })), Sources);

        Assert.True(registry.TryGet("a", out var a));
        Assert.Equal(Secret, a.Token.Reveal());
        Assert.Equal(new TenantLimits(5, 2), a.Limits);
        Assert.True(registry.TryGet("b", out var b));
        Assert.Equal(Secret, b.Token.Reveal());
        Assert.Equal(new TenantLimits(9, 2), b.Limits);
        Assert.True(registry.TryGet("c", out var c));
        Assert.Equal(new TenantLimits(5, 4), c.Limits);
        Assert.True(c.Owns("3"));
        Assert.False(c.Owns("1"));
        Assert.False(registry.TryGet("unknown", out _));
        Assert.Equal(new TenantLimits(5, 2), registry.LimitsFor("unknown"));
    }

    [Fact]
    public void Every_problem_is_reported_at_once_without_revealing_tokens()
    {
        var ex = Assert.Throws<TenantConfigurationException>(() => TenantRegistry.Build(Options(
            ("none", new TenantOptions { WabaIds = ["1"] }),
            ("two", new TenantOptions { AccessToken = Secret, AccessTokenVariable = "ALPHA_TOKEN", WabaIds = ["1"] }),
            ("unset", new TenantOptions { AccessTokenVariable = "MISSING", WabaIds = ["1"] }),
            ("nofile", new TenantOptions { AccessTokenFile = "/nope", WabaIds = ["1"] }),
            ("badwaba", new TenantOptions { AccessToken = Secret, WabaIds = ["12x/.."] }),
            ("nowaba", new TenantOptions { AccessToken = Secret }),
            ("zero", new TenantOptions { AccessToken = Secret, WabaIds = ["1"], RequestsPerSecond = 0 })), Sources));

        Assert.Equal(7, ex.Errors.Count);
        Assert.Contains(ex.Errors, e => e.Contains("Tenants:Spaces:none", StringComparison.Ordinal) && e.Contains("exactly one", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("Tenants:Spaces:two", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("'MISSING' is not set", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("/nope", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("not a Graph id", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("at least one WABA", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("RequestsPerSecond", StringComparison.Ordinal));
        Assert.DoesNotContain(Secret, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_token_never_prints()
    {
        var registry = TenantRegistry.Build(Options(("a", new TenantOptions { AccessToken = Secret, WabaIds = ["1"] })), Sources);
        registry.TryGet("a", out var tenant);
        Assert.DoesNotContain(Secret, tenant!.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, $"{tenant.Token}", StringComparison.Ordinal);
    }

    [Fact]
    public void API_keys_come_from_the_same_sources_are_kept_only_as_hashes_and_may_not_be_shared()
    {
        var registry = TenantRegistry.Build(Options(
            ("a", new TenantOptions { AccessToken = "t1", ApiKeyVariable = "ALPHA_TOKEN", WabaIds = ["1"] }),
            ("b", new TenantOptions { AccessToken = "t2", WabaIds = ["2"], RefreshInterval = TimeSpan.FromMinutes(30) })), Sources);
        registry.TryGet("a", out var a);
        registry.TryGet("b", out var b);
        Assert.True(a!.ApiKey!.Matches(Secret));
        Assert.False(a.ApiKey.Matches(Secret + "x"));
        Assert.False(a.ApiKey.Matches(null));
        Assert.DoesNotContain(Secret, a.ToString(), StringComparison.Ordinal);
        Assert.Equal("***", a.ApiKey.ToString());
        Assert.Null(b!.ApiKey);
        Assert.Equal(TimeSpan.FromMinutes(30), b.RefreshInterval);

        var errors = TenantRegistry.Validate(Options(
            ("a", new TenantOptions { AccessToken = "t1", ApiKey = "same-key", WabaIds = ["1"] }),
            ("b", new TenantOptions { AccessToken = "t2", ApiKey = "same-key", WabaIds = ["2"] }),
            ("c", new TenantOptions { AccessToken = "t3", ApiKey = "k", ApiKeyFile = "/run/secrets/beta", WabaIds = ["3"] }),
            ("d", new TenantOptions { AccessToken = "t4", ApiKeyVariable = "MISSING", WabaIds = ["4"], RefreshInterval = TimeSpan.FromSeconds(5) })), Sources, out _);
        Assert.Contains(errors, e => e.Contains("a and b have the same ApiKey", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Tenants:Spaces:c: set exactly one of ApiKey, ApiKeyVariable, ApiKeyFile (found 2)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Tenants:Spaces:d:ApiKeyVariable: environment variable 'MISSING'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Tenants:Spaces:d:RefreshInterval", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Contains("same-key", StringComparison.Ordinal));
    }
}
