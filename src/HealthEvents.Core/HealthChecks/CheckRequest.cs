using HealthEvents.Contracts;

namespace HealthEvents.Core.HealthChecks;

/// <summary>
/// A request as it reaches the processor: the message, its size on the wire, its MessageId, when
/// it was asked (any Graph answer received after that is as good as its own), and what it carries
/// back from being parked: its promised start, when it was first parked and since when Meta
/// has been failing it.
/// </summary>
public sealed record CheckRequest(
    HealthCheckRequested Message,
    long Bytes,
    Guid RequestId,
    DateTimeOffset AskedAt,
    DateTimeOffset? Slot = null,
    DateTimeOffset? ParkedSince = null,
    DateTimeOffset? UpstreamFailingSince = null);
