using System.Diagnostics.CodeAnalysis;
using HealthEvents.Contracts;
using HealthEvents.Domain.Tenants;

namespace HealthEvents.Core.HealthChecks;

/// <summary>
/// The one rule of who may have a node checked, used by the consumer and by the HTTP side before a
/// check goes on the bus: a registered customer space that owns the node's WABA. (Nodes below the
/// WABA are proven on the WABA's own listings, by <see cref="NodeResolver"/>.)
/// </summary>
public static class TenantAccess
{
    public static bool Allows(ITenantRegistry tenants, CheckTarget target, [NotNullWhen(true)] out Tenant? tenant, [NotNullWhen(false)] out Rejection? refusal)
    {
        ArgumentNullException.ThrowIfNull(tenants);
        ArgumentNullException.ThrowIfNull(target);
        if (!tenants.TryGet(target.CustSpaceId, out tenant))
        {
            refusal = new Rejection(RejectionReasons.AccessDenied, $"Customer space '{target.CustSpaceId}' is not registered.");
            return false;
        }

        if (!tenant.Owns(target.WabaId))
        {
            refusal = new Rejection(RejectionReasons.AccessDenied, $"WABA {target.WabaId} does not belong to customer space '{target.CustSpaceId}'.");
            tenant = null;
            return false;
        }

        refusal = null;
        return true;
    }
}
