using System.Text.Json;
using HealthEvents.Contracts;
using HealthEvents.Domain.HealthChecks;

namespace HealthEvents.Storage;

/// <summary>
/// How both stores serialise a <see cref="StoredChange"/> (history entry and outbox) and read it
/// back, by schema: <see cref="CurrentSchema"/> is this record; schema 1 rows, written before the
/// store kept its own records, hold the <c>HealthStatusChanged</c> event as it was published.
/// </summary>
internal sealed record ChangeDocument(NodeIdentity Identity, HealthSnapshot Current, HealthSnapshot? Previous)
{
    public const int CurrentSchema = 2;

    public static string Write(StoredChange change) => StoreJson.Write(new ChangeDocument(change.Identity, change.Current, change.Previous));

    public static StoredChange Read(NodeKey key, long version, int schema, string json) => schema switch
    {
        CurrentSchema => StoreJson.Read<ChangeDocument>(json).ToChange(key, version),
        1 => FromPublishedEvent(key, version, StoreJson.Read<HealthStatusChanged>(json)),
        _ => throw new InvalidDataException($"Stored change {key} v{version} has schema {schema}; this build reads schemas 1 to {CurrentSchema}."),
    };

    private StoredChange ToChange(NodeKey key, long version) => new(key, Identity, version, Current, Previous);

    // Schema 1 kept the event only: the previous snapshot's time and Meta's own overall value were not stored.
    private static StoredChange FromPublishedEvent(NodeKey key, long version, HealthStatusChanged e) => new(
        key,
        new NodeIdentity
        {
            WabaId = e.WabaId,
            PhoneNumber = e.PhoneNumber,
            PhoneNumberId = e.PhoneNumberId,
            TemplateCode = e.TemplateCode,
            TemplateId = e.TemplateId,
            Language = e.Language,
        },
        version,
        new HealthSnapshot { CanSendMessage = e.Current, ReportedCanSendMessage = e.Current, Entities = e.Entities, CheckedAt = e.CheckedAt },
        e.Previous is null
            ? null
            : new HealthSnapshot { CanSendMessage = e.Previous, ReportedCanSendMessage = e.Previous, Entities = e.PreviousEntities, CheckedAt = e.CheckedAt });
}
