using HealthEvents.Contracts;
using HealthEvents.Domain.HealthChecks;

namespace HealthEvents.Storage;

/// <summary>
/// One change of a node as the store keeps it: the snapshot that became <see cref="Version"/> and
/// the one it replaced (null on first sight). The store's own record, not the wire event: the
/// <c>HealthStatusChanged</c> contract is built from it when publishing, so the contract can gain
/// fields without a data migration.
/// </summary>
public sealed record StoredChange(NodeKey Key, NodeIdentity Identity, long Version, HealthSnapshot Current, HealthSnapshot? Previous)
{
    /// <summary>The snapshot as stored once this change is saved.</summary>
    public StoredSnapshot After => new(Key, Identity, Current, Version);

    /// <summary>The change that turns <paramref name="previous"/> (null: never seen) into <paramref name="fresh"/>: the next version.</summary>
    public static StoredChange Next(NodeKey key, NodeIdentity identity, HealthSnapshot fresh, StoredSnapshot? previous) =>
        new(key, identity, (previous?.Version ?? 0) + 1, fresh, previous?.Snapshot);
}
