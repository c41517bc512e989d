using HealthEvents.Domain.Tenants;
using Microsoft.AspNetCore.Http;

namespace HealthEvents.Http.Api;

/// <summary>Who is calling: one tenant (its API key) or the deployment's admin (the admin key).</summary>
public sealed record ApiCaller(string? CustSpaceId)
{
    public static ApiCaller Admin { get; } = new((string?)null);

    public bool IsAdmin => CustSpaceId is null;

    /// <summary>A tenant key reaches its own customer space only; the admin key reaches all.</summary>
    public bool MayUse(string custSpaceId) => IsAdmin || string.Equals(custSpaceId, CustSpaceId, StringComparison.Ordinal);

    /// <summary>The caller the gate identified for this request.</summary>
    public static ApiCaller Of(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return http.Items[typeof(ApiCaller)] as ApiCaller ?? throw new InvalidOperationException("The endpoint is not behind the API gate.");
    }
}

/// <summary>
/// Identifies callers by the key they present (<c>X-Api-Key</c>, or <c>Authorization: Bearer</c>).
/// Keys are looked up by their SHA-256 (<see cref="ApiKey.Fingerprint"/>), so no key is ever held or
/// compared in the clear.
/// </summary>
public sealed class ApiKeys
{
    private readonly Dictionary<string, ApiCaller> _byFingerprint = new(StringComparer.Ordinal);

    public ApiKeys(ITenantRegistry tenants, HttpSecrets secrets)
    {
        ArgumentNullException.ThrowIfNull(tenants);
        ArgumentNullException.ThrowIfNull(secrets);
        foreach (var tenant in tenants.All.Where(t => t.ApiKey is not null))
        {
            _byFingerprint[tenant.ApiKey!.Fingerprint] = new ApiCaller(tenant.CustSpaceId);
        }

        if (secrets.AdminKey is { } admin)
        {
            _byFingerprint[admin.Fingerprint] = ApiCaller.Admin;
        }
    }

    public ApiCaller? Identify(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var presented = PresentedKey(request);
        return string.IsNullOrWhiteSpace(presented) ? null : _byFingerprint.GetValueOrDefault(ApiKey.FingerprintOf(presented));
    }

    private static string? PresentedKey(HttpRequest request)
    {
        if (request.Headers.TryGetValue("X-Api-Key", out var key) && key.Count == 1)
        {
            return key[0];
        }

        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..] : null;
    }
}
