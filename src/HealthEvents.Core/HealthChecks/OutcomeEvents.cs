using HealthEvents.Contracts;
using HealthEvents.Storage;

namespace HealthEvents.Core.HealthChecks;

/// <summary>The one place stored records become the events that describe them.</summary>
public static class OutcomeEvents
{
    /// <summary>The answer a stored snapshot gives, with the campaign verdict for <paramref name="plannedRecipients"/>.</summary>
    public static HealthCheckCompleted Completed(StoredSnapshot stored, bool fromCache, int? plannedRecipients = null)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var completed = new HealthCheckCompleted
        {
            CustSpaceId = stored.Key.CustSpaceId,
            NodeType = stored.Key.NodeType,
            NodeId = stored.Key.NodeId,
            WabaId = stored.Identity.WabaId,
            PhoneNumber = stored.Identity.PhoneNumber,
            PhoneNumberId = stored.Identity.PhoneNumberId,
            TemplateCode = stored.Identity.TemplateCode,
            TemplateId = stored.Identity.TemplateId,
            Language = stored.Identity.Language,
            Snapshot = stored.Snapshot,
            FromCache = fromCache,
            Version = stored.Version,
        };
        return completed with { Campaign = CampaignRule.Decide(completed, plannedRecipients) };
    }

    public static HealthStatusChanged Changed(StoredChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return new HealthStatusChanged
        {
            CustSpaceId = change.Key.CustSpaceId,
            NodeType = change.Key.NodeType,
            NodeId = change.Key.NodeId,
            WabaId = change.Identity.WabaId,
            PhoneNumber = change.Identity.PhoneNumber,
            PhoneNumberId = change.Identity.PhoneNumberId,
            TemplateCode = change.Identity.TemplateCode,
            TemplateId = change.Identity.TemplateId,
            Language = change.Identity.Language,
            Previous = change.Previous?.CanSendMessage,
            Current = change.Current.CanSendMessage,
            Entities = change.Current.Entities,
            PreviousEntities = change.Previous?.Entities ?? [],
            Readiness = change.Current.Readiness,
            PreviousReadiness = change.Previous?.Readiness,
            CheckedAt = change.Current.CheckedAt,
            Version = change.Version,
        };
    }
}
