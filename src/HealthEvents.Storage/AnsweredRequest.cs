using HealthEvents.Domain.HealthChecks;

namespace HealthEvents.Storage;

/// <summary>
/// What a request was answered with, kept for a while so that a copy of it the broker delivers
/// again (the process died after answering, before the ack) answers the same: the node, the
/// version and check time of the snapshot it was given, and whether that came from the store.
/// </summary>
public sealed record AnsweredRequest(Guid RequestId, NodeKey Node, long Version, DateTimeOffset CheckedAt, bool FromCache, DateTimeOffset AnsweredAt);
