using HealthEvents.Contracts;
using HealthEvents.Domain.HealthChecks;
using HealthEvents.Storage;

namespace HealthEvents.Core.HealthChecks;

/// <summary>
/// Stores a fresh answer from Meta under the version rule: a change becomes the next version
/// (snapshot, history and pending event in one write); an unchanged answer only refreshes the
/// check time. When another writer got there first, the answer is compared again with what it
/// stored; an answer older than the stored one never overwrites it.
/// </summary>
public sealed class SnapshotRecorder(IHealthStore store)
{
    private const int MaxAttempts = 8;

    // alreadyRead: the stored snapshot if the caller has just read it; it saves one read, and a
    // write that happened in between still makes the conditional save conflict and re-read.
    public Task<Recorded> RecordAsync(NodeKey key, NodeIdentity identity, HealthSnapshot fresh, StoredSnapshot? alreadyRead, CancellationToken cancellationToken) =>
        RecordAsync(key, identity, fresh, alreadyRead, answering: null, cancellationToken);

    /// <summary>
    /// The same for the request <paramref name="answering"/>: what it will be answered with is kept
    /// in the same write (<see cref="AnswerMemory"/>), so its answer costs no write of its own.
    /// </summary>
    public async Task<Recorded> RecordAsync(
        NodeKey key, NodeIdentity identity, HealthSnapshot fresh, StoredSnapshot? alreadyRead, Guid? answering, CancellationToken cancellationToken)
    {
        AnsweredRequest? Answer(StoredSnapshot answer) =>
            answering is { } requestId ? new(requestId, key, answer.Version, answer.Snapshot.CheckedAt, FromCache: false, fresh.CheckedAt) : null;

        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var stored = attempt == 0 && alreadyRead is not null ? alreadyRead : await store.GetAsync(key, cancellationToken);
            if (stored is not null && stored.Snapshot.CheckedAt > fresh.CheckedAt)
            {
                return new Recorded(stored, null, Remembered: false);
            }

            if (stored is not null && !SnapshotComparer.IsChange(stored.Snapshot, fresh))
            {
                var refreshed = stored with { Snapshot = fresh };
                if (await store.SaveRecheckAsync(refreshed, Answer(refreshed), cancellationToken) == SaveResult.Saved)
                {
                    return new Recorded(refreshed, null, answering is not null);
                }

                continue;
            }

            var change = StoredChange.Next(key, identity, fresh, stored);
            if (await store.SaveChangeAsync(change, Answer(change.After), cancellationToken) == SaveResult.Saved)
            {
                return new Recorded(change.After, change, answering is not null);
            }
        }

        throw new StoreConflictException(key);
    }
}

/// <summary>What was stored, the change when it was one, and whether the answer it gives was kept with it.</summary>
public sealed record Recorded(StoredSnapshot Stored, StoredChange? Change, bool Remembered = false);

/// <summary>Other writers kept winning; the message is retried.</summary>
public sealed class StoreConflictException(NodeKey key)
    : Exception($"Could not store the check of {key}: other writers kept changing it.");
