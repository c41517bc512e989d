using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using HealthEvents.Contracts;
using HealthEvents.Core.HealthChecks;
using HealthEvents.Domain.Tenants;
using HealthEvents.Graph.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HealthEvents.Core.Budgets;

/// <summary>
/// Remembers that Meta refused a tenant's access token (revoked, expired, invalid: code 190 and
/// kin), so the tenant's next checks are rejected with Meta's code without calling Meta again,
/// until <c>Budget:RefusedTokenPause</c> has passed or the tenant's token is a different one.
/// Said once, loudly, per refusal. The token is remembered only as a hash, in memory.
/// </summary>
public sealed class TokenRefusals(IOptions<BudgetOptions> options, TimeProvider time, ILogger<TokenRefusals> logger)
{
    private readonly ConcurrentDictionary<string, Refusal> _refused = new(StringComparer.Ordinal);

    /// <summary>The rejection for a check of <paramref name="tenant"/> while its token stands refused; null when it may call Meta.</summary>
    public Rejection? RejectionFor(Tenant tenant)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        if (!_refused.TryGetValue(tenant.CustSpaceId, out var refusal)
            || refusal.Until <= time.GetUtcNow()
            || refusal.TokenHash != Hash(tenant.Token))
        {
            return null;
        }

        return new Rejection(RejectionReasons.UpstreamRejected,
            $"Meta refused this customer space's access token at {refusal.At:O} (code {refusal.Code}); checks are not sent to Meta until {refusal.Until:O} or until the token is replaced.",
            refusal.Code, refusal.Subcode);
    }

    /// <summary>Notes Meta's refusal when <paramref name="ex"/> says the token itself is bad.</summary>
    public void Observe(Tenant tenant, GraphPermanentException ex)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(ex);
        if (ex.Reason != GraphPermanentReason.InvalidToken)
        {
            return;
        }

        var now = time.GetUtcNow();
        var refusal = new Refusal(Hash(tenant.Token), now, now + options.Value.RefusedTokenPause, ex.Details.Code, ex.Details.Subcode);
        _refused.TryGetValue(tenant.CustSpaceId, out var previous);
        _refused[tenant.CustSpaceId] = refusal;
        if (previous is null || previous.Until <= now || previous.TokenHash != refusal.TokenHash)
        {
            logger.LogError(
                "Meta refused the access token of customer space {CustSpaceId} (code {Code}, subcode {Subcode}): its checks are rejected without calling Meta until {Until} or until the token is replaced",
                tenant.CustSpaceId, ex.Details.Code, ex.Details.Subcode, refusal.Until);
        }
    }

    private static string Hash(AccessToken token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token.Reveal())));

    private sealed record Refusal(string TokenHash, DateTimeOffset At, DateTimeOffset Until, int? Code, int? Subcode);
}
