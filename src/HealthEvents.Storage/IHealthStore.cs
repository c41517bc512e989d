using HealthEvents.Domain.HealthChecks;

namespace HealthEvents.Storage;

/// <summary>
/// The system of record: the latest snapshot per node, the append-only history of changes, and the
/// outbox of change events not yet published. Every write is conditional on the version the
/// writer read, so two writers of one node never both win.
/// </summary>
public interface IHealthStore
{
    /// <summary>Creates tables, collections and indexes. Safe to call repeatedly.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    Task<StoredSnapshot?> GetAsync(NodeKey key, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a change as version <c>change.Version</c>: the snapshot, its history entry and the
    /// not-yet-published outbox entry, all or nothing. <see cref="SaveResult.Conflict"/> when the
    /// stored version is no longer <c>change.Version - 1</c> (0 meaning "no snapshot yet").
    /// </summary>
    Task<SaveResult> SaveChangeAsync(StoredChange change, CancellationToken cancellationToken) => SaveChangeAsync(change, null, cancellationToken);

    /// <summary>The same, keeping <paramref name="answer"/> (<see cref="RememberAnswerAsync"/>) in the same write when it is saved.</summary>
    Task<SaveResult> SaveChangeAsync(StoredChange change, AnsweredRequest? answer, CancellationToken cancellationToken);

    /// <summary>
    /// Records an unchanged re-check: the snapshot's CheckedAt moves forward (never back) when the
    /// stored version is still <c>current.Version</c>; otherwise <see cref="SaveResult.Conflict"/>.
    /// </summary>
    Task<SaveResult> SaveRecheckAsync(StoredSnapshot current, CancellationToken cancellationToken) => SaveRecheckAsync(current, null, cancellationToken);

    /// <summary>The same, keeping <paramref name="answer"/> (<see cref="RememberAnswerAsync"/>) in the same write when it is saved.</summary>
    Task<SaveResult> SaveRecheckAsync(StoredSnapshot current, AnsweredRequest? answer, CancellationToken cancellationToken);

    /// <summary>Changes stored but not yet marked published, oldest first.</summary>
    Task<IReadOnlyList<StoredChange>> GetUndispatchedAsync(int max, CancellationToken cancellationToken);

    Task MarkDispatchedAsync(NodeKey key, long version, CancellationToken cancellationToken);

    /// <summary>A node's changes from <paramref name="fromVersion"/> on, in version order.</summary>
    Task<IReadOnlyList<StoredChange>> GetHistoryAsync(NodeKey key, long fromVersion, int max, CancellationToken cancellationToken);

    /// <summary>A customer space's latest snapshots matching <paramref name="query"/>, by node type and id.</summary>
    Task<IReadOnlyList<StoredSnapshot>> ListSnapshotsAsync(SnapshotQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// A customer space's stored changes whose snapshot Meta gave in [<paramref name="checkedFrom"/>, <paramref name="checkedUntil"/>),
    /// in the order they were recorded; at most <paramref name="max"/>.
    /// </summary>
    Task<IReadOnlyList<StoredChange>> GetChangesAsync(string custSpaceId, DateTimeOffset checkedFrom, DateTimeOffset checkedUntil, int max, CancellationToken cancellationToken);

    /// <summary>Keeps what a request was answered with; the first record of a request wins, later ones are ignored.</summary>
    Task RememberAnswerAsync(AnsweredRequest answer, CancellationToken cancellationToken);

    /// <summary>What <paramref name="requestId"/> was answered with, if it is still remembered.</summary>
    Task<AnsweredRequest?> FindAnswerAsync(Guid requestId, CancellationToken cancellationToken);

    /// <summary>
    /// Forgets answers given before <paramref name="answeredBefore"/> among the <paramref name="max"/>
    /// oldest recorded; returns how many (fewer than <paramref name="max"/> once younger ones are reached).
    /// </summary>
    Task<int> ForgetAnswersAsync(DateTimeOffset answeredBefore, int max, CancellationToken cancellationToken);

    /// <summary>Completes when the store could take a write now; writes nothing (readiness probes).</summary>
    Task PingAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Which snapshots to list: one customer space's, optionally of one node type and one status, and
/// matching <see cref="Search"/> (part of the node id, of the display number's digits —
/// <see cref="PhoneNumbers.DigitsOfSearch"/> — or of the template code). Listed most severe first (<see cref="StatusRank"/>), then by node type and id;
/// <see cref="After"/> continues after a position a previous page ended on.
/// </summary>
public sealed record SnapshotQuery(
    string CustSpaceId, string? NodeType = null, string? CanSendMessage = null, int Max = 1000, string? Search = null, SnapshotPosition? After = null);

/// <summary>Where a snapshot sits in a listing: its status rank, node type and id.</summary>
public sealed record SnapshotPosition(int Rank, string NodeType, string NodeId)
{
    public static SnapshotPosition Of(StoredSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new(StatusRank.Of(snapshot.Snapshot.CanSendMessage), snapshot.Key.NodeType, snapshot.Key.NodeId);
    }
}

/// <summary>The order a listing shows statuses in, most in need of a look first: BLOCKED, a status not known, LIMITED, AVAILABLE.</summary>
public static class StatusRank
{
    public static IReadOnlyList<(string Status, int Rank)> Known { get; } =
        [(Contracts.MessagingStatus.Blocked, 0), (Contracts.MessagingStatus.Limited, 2), (Contracts.MessagingStatus.Available, 3)];

    public const int Other = 1;

    public static int Of(string? status) => Known.FirstOrDefault(k => k.Status == status) is { Status: not null } known ? known.Rank : Other;
}

public enum SaveResult
{
    Saved,
    Conflict,
}
