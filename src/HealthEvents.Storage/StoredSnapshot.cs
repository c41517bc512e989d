using HealthEvents.Contracts;
using HealthEvents.Domain.HealthChecks;

namespace HealthEvents.Storage;

/// <summary>
/// The latest known health of one node. <see cref="Version"/> counts changes (1 on first sight);
/// an unchanged re-check refreshes <see cref="Snapshot"/>'s CheckedAt but keeps the version.
/// </summary>
public sealed record StoredSnapshot(NodeKey Key, NodeIdentity Identity, HealthSnapshot Snapshot, long Version);
