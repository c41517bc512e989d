using HealthEvents.Contracts;
using HealthEvents.Storage;

namespace HealthEvents.Service.HealthChecks;

/// <summary>The one place a stored snapshot becomes the events that describe it.</summary>
public static class OutcomeEvents
{
    public static HealthCheckCompleted Completed(StoredSnapshot stored, bool fromCache)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return new HealthCheckCompleted
        {
            CustSpaceId = stored.Key.CustSpaceId,
            NodeType = stored.Key.NodeType,
            NodeId = stored.Key.NodeId,
            WabaId = stored.Identity.WabaId,
            PhoneNumber = stored.Identity.PhoneNumber,
            TemplateCode = stored.Identity.TemplateCode,
            Language = stored.Identity.Language,
            Snapshot = stored.Snapshot,
            FromCache = fromCache,
            Version = stored.Version,
        };
    }

    /// <summary>The change from <paramref name="previous"/> (null on first sight) to <paramref name="next"/>.</summary>
    public static HealthStatusChanged Changed(StoredSnapshot next, StoredSnapshot? previous)
    {
        ArgumentNullException.ThrowIfNull(next);
        return new HealthStatusChanged
        {
            CustSpaceId = next.Key.CustSpaceId,
            NodeType = next.Key.NodeType,
            NodeId = next.Key.NodeId,
            WabaId = next.Identity.WabaId,
            PhoneNumber = next.Identity.PhoneNumber,
            PhoneNumberId = next.Identity.PhoneNumberId,
            TemplateCode = next.Identity.TemplateCode,
            TemplateId = next.Identity.TemplateId,
            Language = next.Identity.Language,
            Previous = previous?.Snapshot.CanSendMessage,
            Current = next.Snapshot.CanSendMessage,
            Entities = next.Snapshot.Entities,
            PreviousEntities = previous?.Snapshot.Entities ?? [],
            CheckedAt = next.Snapshot.CheckedAt,
            Version = next.Version,
        };
    }
}
