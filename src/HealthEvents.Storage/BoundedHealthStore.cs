using HealthEvents.Domain.HealthChecks;

namespace HealthEvents.Storage;

/// <summary>
/// Puts a bound on every store call, whatever the store: at most <c>Storage:MaxConcurrentOperations</c>
/// run at once, each on a thread-pool thread of its own, and a call that does not finish within
/// <c>Storage:OperationTimeout</c> fails with <see cref="StoreUnavailableException"/>. A store that
/// hangs (a locked SQLite file, an unreachable MongoDB) then holds at most that many threads while
/// everything else keeps running, and the check fails (retried, then the error queue with the
/// reason) instead of waiting forever; nothing is acknowledged unsaved. A slot is given back only
/// when its call has really finished.
/// </summary>
public sealed class BoundedHealthStore(IHealthStore inner, int maxConcurrentOperations, TimeSpan operationTimeout) : IHealthStore, IAsyncDisposable
{
    private readonly SemaphoreSlim _slots = new(maxConcurrentOperations, maxConcurrentOperations);

    public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

    public Task<StoredSnapshot?> GetAsync(NodeKey key, CancellationToken cancellationToken) =>
        BoundAsync(ct => inner.GetAsync(key, ct), cancellationToken);

    public Task<SaveResult> SaveChangeAsync(StoredChange change, AnsweredRequest? answer, CancellationToken cancellationToken) =>
        BoundAsync(ct => inner.SaveChangeAsync(change, answer, ct), cancellationToken);

    public Task<SaveResult> SaveRecheckAsync(StoredSnapshot current, AnsweredRequest? answer, CancellationToken cancellationToken) =>
        BoundAsync(ct => inner.SaveRecheckAsync(current, answer, ct), cancellationToken);

    public Task<IReadOnlyList<StoredChange>> GetUndispatchedAsync(int max, CancellationToken cancellationToken) =>
        BoundAsync(ct => inner.GetUndispatchedAsync(max, ct), cancellationToken);

    public Task MarkDispatchedAsync(NodeKey key, long version, CancellationToken cancellationToken) =>
        BoundAsync(async ct =>
        {
            await inner.MarkDispatchedAsync(key, version, ct);
            return true;
        }, cancellationToken);

    public Task<IReadOnlyList<StoredChange>> GetHistoryAsync(NodeKey key, long fromVersion, int max, CancellationToken cancellationToken) =>
        BoundAsync(ct => inner.GetHistoryAsync(key, fromVersion, max, ct), cancellationToken);

    public Task<IReadOnlyList<StoredSnapshot>> ListSnapshotsAsync(SnapshotQuery query, CancellationToken cancellationToken) =>
        BoundAsync(ct => inner.ListSnapshotsAsync(query, ct), cancellationToken);

    public Task<IReadOnlyList<StoredChange>> GetChangesAsync(string custSpaceId, DateTimeOffset checkedFrom, DateTimeOffset checkedUntil, int max, CancellationToken cancellationToken) =>
        BoundAsync(ct => inner.GetChangesAsync(custSpaceId, checkedFrom, checkedUntil, max, ct), cancellationToken);

    public Task RememberAnswerAsync(AnsweredRequest answer, CancellationToken cancellationToken) =>
        BoundAsync(async ct =>
        {
            await inner.RememberAnswerAsync(answer, ct);
            return true;
        }, cancellationToken);

    public Task<AnsweredRequest?> FindAnswerAsync(Guid requestId, CancellationToken cancellationToken) =>
        BoundAsync(ct => inner.FindAnswerAsync(requestId, ct), cancellationToken);

    public Task<int> ForgetAnswersAsync(DateTimeOffset answeredBefore, int max, CancellationToken cancellationToken) =>
        BoundAsync(ct => inner.ForgetAnswersAsync(answeredBefore, max, ct), cancellationToken);

    public Task PingAsync(CancellationToken cancellationToken) =>
        BoundAsync(async ct =>
        {
            await inner.PingAsync(ct);
            return true;
        }, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        switch (inner)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }

        _slots.Dispose();
    }

    private async Task<T> BoundAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + operationTimeout;
        if (!await _slots.WaitAsync(operationTimeout, cancellationToken))
        {
            throw new StoreUnavailableException($"The store did not answer within {operationTimeout.TotalSeconds:0.#} s: every one of its {maxConcurrentOperations} slots is taken by a call still waiting.");
        }

        // One timer per call: the token that cancels the call at the deadline also ends the wait for it.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var left = deadline - DateTimeOffset.UtcNow;
        timeout.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        var running = Task.Run(() => call(timeout.Token), CancellationToken.None);
        _ = running.ContinueWith(static (_, slots) => ((SemaphoreSlim)slots!).Release(), _slots, CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            return await running.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // No inner exception: MassTransit reports a fault by its innermost exception, and "timed out" alone names no culprit.
            throw new StoreUnavailableException($"The store did not answer within {operationTimeout.TotalSeconds:0.#} s.");
        }
    }
}

/// <summary>The store did not answer in time; worth retrying later.</summary>
public sealed class StoreUnavailableException(string message) : Exception(message);
