using System.Diagnostics.CodeAnalysis;

namespace HealthEvents.Domain.Tenants;

/// <summary>Who the customer spaces are: their tokens, owned WABAs and limits.</summary>
public interface ITenantRegistry
{
    bool TryGet(string custSpaceId, [NotNullWhen(true)] out Tenant? tenant);

    /// <summary>Limits for a customer space, falling back to the defaults for unknown ones.</summary>
    TenantLimits LimitsFor(string custSpaceId);

    IReadOnlyCollection<Tenant> All { get; }
}
