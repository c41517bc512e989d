using HealthEvents.Domain.HealthChecks;
using HealthEvents.Storage;

namespace HealthEvents.UnitTests;

/// <summary>The bound every store call runs under, with a store that hangs until told otherwise.</summary>
public class BoundedHealthStoreTests
{
    private static readonly NodeKey Node = new("alpha", "waba", "102290129340398");

    [Fact]
    public async Task A_call_that_does_not_finish_in_time_fails_as_store_unavailable()
    {
        var hanging = new HangingStore();
        var store = new BoundedHealthStore(hanging, 4, TimeSpan.FromMilliseconds(200));

        var failure = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.GetAsync(Node, TestContext.Current.CancellationToken));

        Assert.Contains("did not answer", failure.Message, StringComparison.Ordinal);
        hanging.Release();
    }

    [Fact]
    public async Task A_slot_is_held_until_its_call_really_ends_so_a_hung_store_holds_at_most_the_bound()
    {
        var hanging = new HangingStore();
        var store = new BoundedHealthStore(hanging, 1, TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.GetAsync(Node, TestContext.Current.CancellationToken));

        // The first call still runs: the only slot is taken and the next call gives up without starting.
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.GetAsync(Node, TestContext.Current.CancellationToken));
        Assert.Equal(1, hanging.Started);

        hanging.Release();
        await hanging.Finished.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        hanging.HangNext = false;
        Assert.Null(await store.GetAsync(Node, TestContext.Current.CancellationToken));
        Assert.Equal(2, hanging.Started);
    }

    /// <summary>A store whose reads block their thread until released, as a locked SQLite file does.</summary>
    private sealed class HangingStore : IHealthStore
    {
        private readonly ManualResetEventSlim _released = new();
        private int _started;

        public bool HangNext { get; set; } = true;

        public int Started => _started;

        public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _released.Set();

        public Task<StoredSnapshot?> GetAsync(NodeKey key, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _started);
            if (HangNext)
            {
                _released.Wait(TimeSpan.FromSeconds(30), CancellationToken.None);
                Finished.TrySetResult();
            }

            return Task.FromResult<StoredSnapshot?>(null);
        }

        public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<SaveResult> SaveChangeAsync(StoredChange change, AnsweredRequest? answer, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<SaveResult> SaveRecheckAsync(StoredSnapshot current, AnsweredRequest? answer, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<StoredChange>> GetUndispatchedAsync(int max, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task MarkDispatchedAsync(NodeKey key, long version, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<StoredChange>> GetHistoryAsync(NodeKey key, long fromVersion, int max, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<StoredSnapshot>> ListSnapshotsAsync(SnapshotQuery query, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<StoredChange>> GetChangesAsync(string custSpaceId, DateTimeOffset checkedFrom, DateTimeOffset checkedUntil, int max, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task RememberAnswerAsync(AnsweredRequest answer, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<AnsweredRequest?> FindAnswerAsync(Guid requestId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<int> ForgetAnswersAsync(DateTimeOffset answeredBefore, int max, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task PingAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
