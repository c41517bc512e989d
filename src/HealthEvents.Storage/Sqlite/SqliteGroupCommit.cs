using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace HealthEvents.Storage.Sqlite;

/// <summary>
/// Group commit: every write of the store is queued here, and one writer runs whatever is waiting
/// (up to <see cref="MaxBatch"/>) in a single transaction with a savepoint per write, so one commit
/// serves many checks and a write that fails rolls back only itself. A caller's task completes only
/// after the commit that holds its write. SQLite has one writer at a time anyway; queueing here
/// also keeps Microsoft.Data.Sqlite from answering a busy database with its 150 ms sleeps.
/// </summary>
internal sealed class SqliteGroupCommit : IAsyncDisposable
{
    public const int MaxBatch = 128;

    private readonly Func<CancellationToken, Task<SqliteConnection>> _open;
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    public SqliteGroupCommit(Func<CancellationToken, Task<SqliteConnection>> open)
    {
        _open = open;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <param name="write">The write, run inside the batch's transaction.</param>
    /// <param name="cancellationToken">Passed to the write when it runs.</param>
    /// <param name="droppable">
    /// Cancelled before its turn, the write is dropped and its caller told at once. Only for writes
    /// whose caller goes on without them (an answer's record); a snapshot's caller waits for its
    /// commit attempt, so a locked file holds the store's slots and fails further calls fast.
    /// </param>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, CancellationToken, Task<T>> write, CancellationToken cancellationToken, bool droppable = false)
    {
        var pending = new PendingWrite<T>(write, droppable ? cancellationToken : CancellationToken.None, cancellationToken);
        return _queue.Writer.TryWrite(pending) ? pending.Result : Task.FromException<T>(new ObjectDisposedException(nameof(SqliteGroupCommit)));
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            await CommitAsync(batch);
        }
    }

    private async Task CommitAsync(List<PendingWrite> batch)
    {
        var written = new List<PendingWrite>(batch.Count);
        try
        {
            await using var connection = await _open(CancellationToken.None);
            // IMMEDIATE: take the write lock up front (another process may write the same file).
            await using var transaction = connection.BeginTransaction(deferred: false);
            foreach (var pending in batch)
            {
                transaction.Save("write");
                try
                {
                    await pending.RunAsync(connection, transaction);
                    transaction.Release("write");
                    written.Add(pending);
                }
                catch (Exception ex) when (ex is SqliteException or OperationCanceledException or InvalidOperationException or FormatException)
                {
                    transaction.Rollback("write");
                    transaction.Release("write");
                    pending.Fail(ex);
                }
            }

            await transaction.CommitAsync();
        }
        catch (Exception ex)
        {
            // The commit itself failed: none of the batch is stored.
            foreach (var pending in written)
            {
                pending.Fail(ex);
            }

            written.Clear();
            foreach (var pending in batch.Where(p => !p.IsDone))
            {
                pending.Fail(ex);
            }
        }

        foreach (var pending in written)
        {
            pending.Complete();
        }
    }

    private abstract class PendingWrite
    {
        public abstract bool IsDone { get; }

        public abstract Task RunAsync(SqliteConnection connection, SqliteTransaction transaction);

        public abstract void Complete();

        public abstract void Fail(Exception exception);
    }

    /// <summary>
    /// A write waiting its turn. A droppable one cancelled before its turn is dropped and its caller
    /// told at once; once a write has run, its caller hears only after the commit.
    /// </summary>
    private sealed class PendingWrite<T> : PendingWrite
    {
        private const int Waiting = 0, Started = 1, Dropped = 2;

        private readonly Func<SqliteConnection, SqliteTransaction, CancellationToken, Task<T>> _write;
        private readonly CancellationToken _cancellationToken;
        private readonly CancellationTokenRegistration _dropOnCancel;
        private readonly TaskCompletionSource<T> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _state = Waiting;
        private T _value = default!;

        public PendingWrite(Func<SqliteConnection, SqliteTransaction, CancellationToken, Task<T>> write, CancellationToken dropOn, CancellationToken cancellationToken)
        {
            _write = write;
            _cancellationToken = cancellationToken;
            _dropOnCancel = dropOn.Register(() =>
            {
                if (Interlocked.CompareExchange(ref _state, Dropped, Waiting) == Waiting)
                {
                    _result.TrySetCanceled(dropOn);
                }
            });
        }

        public Task<T> Result => _result.Task;

        public override bool IsDone => _result.Task.IsCompleted;

        public override async Task RunAsync(SqliteConnection connection, SqliteTransaction transaction)
        {
            if (Interlocked.CompareExchange(ref _state, Started, Waiting) != Waiting)
            {
                return;
            }

            await _dropOnCancel.DisposeAsync();
            _cancellationToken.ThrowIfCancellationRequested();
            _value = await _write(connection, transaction, _cancellationToken);
        }

        public override void Complete() => _result.TrySetResult(_value);

        public override void Fail(Exception exception) => _result.TrySetException(exception);
    }
}
