using HealthEvents.Contracts;
using HealthEvents.Core.HealthChecks;
using HealthEvents.Domain.HealthChecks;
using HealthEvents.Storage;
using HealthEvents.UnitTests.Support;

namespace HealthEvents.UnitTests.HealthChecks;

/// <summary>The version rule as the recorder applies it, against the real SQLite store.</summary>
public class SnapshotRecorderSpecs
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private static readonly NodeKey Key = new("alpha", NodeTypes.Waba, CheckPipeline.Waba);
    private static readonly NodeIdentity Identity = new() { WabaId = CheckPipeline.Waba };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HealthSnapshot Answer(string status, DateTimeOffset at) => new()
    {
        CanSendMessage = status,
        ReportedCanSendMessage = status,
        CheckedAt = at,
        Entities = [new HealthEntity { EntityType = "WABA", Id = CheckPipeline.Waba, CanSendMessage = status }],
    };

    [Fact]
    public async Task First_sight_is_version_one_and_a_change_from_nothing()
    {
        await using var pipeline = await CheckPipeline.StartAsync();
        var recorded = await new SnapshotRecorder(pipeline.Store).RecordAsync(Key, Identity, Answer("LIMITED", T0), null, Ct);

        Assert.Equal(1, recorded.Stored.Version);
        Assert.Equal(1, recorded.Change!.Version);
        Assert.Null(recorded.Change.Previous);
        Assert.Equal("LIMITED", (await pipeline.Store.GetAsync(Key, Ct))!.Snapshot.CanSendMessage);
    }

    [Fact]
    public async Task An_unchanged_answer_moves_the_check_time_and_keeps_the_version()
    {
        await using var pipeline = await CheckPipeline.StartAsync();
        var recorder = new SnapshotRecorder(pipeline.Store);
        await recorder.RecordAsync(Key, Identity, Answer("AVAILABLE", T0), null, Ct);

        var recorded = await recorder.RecordAsync(Key, Identity, Answer("AVAILABLE", T0.AddMinutes(1)), null, Ct);

        Assert.Null(recorded.Change);
        var stored = await pipeline.Store.GetAsync(Key, Ct);
        Assert.Equal(1, stored!.Version);
        Assert.Equal(T0.AddMinutes(1), stored.Snapshot.CheckedAt);
    }

    [Fact]
    public async Task An_answer_older_than_the_stored_one_never_overwrites_it()
    {
        await using var pipeline = await CheckPipeline.StartAsync();
        var recorder = new SnapshotRecorder(pipeline.Store);
        await recorder.RecordAsync(Key, Identity, Answer("BLOCKED", T0.AddMinutes(1)), null, Ct);

        var recorded = await recorder.RecordAsync(Key, Identity, Answer("AVAILABLE", T0), null, Ct);

        Assert.Null(recorded.Change);
        Assert.Equal("BLOCKED", recorded.Stored.Snapshot.CanSendMessage);
        var stored = await pipeline.Store.GetAsync(Key, Ct);
        Assert.Equal("BLOCKED", stored!.Snapshot.CanSendMessage);
        Assert.Equal(T0.AddMinutes(1), stored.Snapshot.CheckedAt);
    }

    [Theory]
    [InlineData("BLOCKED", null, 2L)]
    [InlineData("LIMITED", 3L, 3L)]
    public async Task When_another_writer_stored_first_the_answer_is_compared_with_what_it_stored(string otherWriterStored, long? changeVersion, long finalVersion)
    {
        await using var pipeline = await CheckPipeline.StartAsync();
        var first = await new SnapshotRecorder(pipeline.Store).RecordAsync(Key, Identity, Answer("AVAILABLE", T0), null, Ct);
        var store = new InterferingStore(pipeline.Store)
        {
            BeforeSave = inner => inner.SaveChangeAsync(StoredChange.Next(Key, Identity, Answer(otherWriterStored, T0.AddSeconds(1)), first.Stored), Ct),
            Times = 1,
        };

        // This writer read version 1 and got BLOCKED from Meta, later than the other writer's answer.
        var recorded = await new SnapshotRecorder(store).RecordAsync(Key, Identity, Answer("BLOCKED", T0.AddSeconds(2)), first.Stored, Ct);

        Assert.Equal(changeVersion, recorded.Change?.Version);
        Assert.Equal(finalVersion, recorded.Stored.Version);
        Assert.Equal(Enumerable.Range(1, (int)finalVersion).Select(v => (long)v), (await pipeline.Store.GetHistoryAsync(Key, 1, 10, Ct)).Select(c => c.Version));
        Assert.Equal(T0.AddSeconds(2), (await pipeline.Store.GetAsync(Key, Ct))!.Snapshot.CheckedAt);
    }

    [Fact]
    public async Task Writers_that_keep_winning_end_in_a_store_conflict_for_the_retry_policy()
    {
        await using var pipeline = await CheckPipeline.StartAsync();
        var at = T0;
        var store = new InterferingStore(pipeline.Store)
        {
            // Before every save of ours, someone else stores a change with a newer answer... older than ours.
            BeforeSave = async inner =>
            {
                var current = await inner.GetAsync(Key, Ct);
                at = at.AddMilliseconds(1);
                await inner.SaveChangeAsync(StoredChange.Next(Key, Identity, Answer(current?.Snapshot.CanSendMessage == "LIMITED" ? "AVAILABLE" : "LIMITED", at), current), Ct);
            },
            Times = int.MaxValue,
        };

        await Assert.ThrowsAsync<StoreConflictException>(() =>
            new SnapshotRecorder(store).RecordAsync(Key, Identity, Answer("BLOCKED", T0.AddHours(1)), null, Ct));
    }

    /// <summary>Lets another writer save just before each of the recorder's saves.</summary>
    private sealed class InterferingStore(IHealthStore inner) : IHealthStore
    {
        public required Func<IHealthStore, Task> BeforeSave { get; init; }

        public required int Times { get; set; }

        public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

        public Task<StoredSnapshot?> GetAsync(NodeKey key, CancellationToken cancellationToken) => inner.GetAsync(key, cancellationToken);

        public async Task<SaveResult> SaveChangeAsync(StoredChange change, AnsweredRequest? answer, CancellationToken cancellationToken)
        {
            await InterfereAsync();
            return await inner.SaveChangeAsync(change, answer, cancellationToken);
        }

        public async Task<SaveResult> SaveRecheckAsync(StoredSnapshot current, AnsweredRequest? answer, CancellationToken cancellationToken)
        {
            await InterfereAsync();
            return await inner.SaveRecheckAsync(current, answer, cancellationToken);
        }

        public Task<IReadOnlyList<StoredChange>> GetUndispatchedAsync(int max, CancellationToken cancellationToken) => inner.GetUndispatchedAsync(max, cancellationToken);

        public Task MarkDispatchedAsync(NodeKey key, long version, CancellationToken cancellationToken) => inner.MarkDispatchedAsync(key, version, cancellationToken);

        public Task<IReadOnlyList<StoredChange>> GetHistoryAsync(NodeKey key, long fromVersion, int max, CancellationToken cancellationToken) =>
            inner.GetHistoryAsync(key, fromVersion, max, cancellationToken);

        public Task<IReadOnlyList<StoredSnapshot>> ListSnapshotsAsync(SnapshotQuery query, CancellationToken cancellationToken) =>
            inner.ListSnapshotsAsync(query, cancellationToken);

        public Task<IReadOnlyList<StoredChange>> GetChangesAsync(string custSpaceId, DateTimeOffset checkedFrom, DateTimeOffset checkedUntil, int max, CancellationToken cancellationToken) =>
            inner.GetChangesAsync(custSpaceId, checkedFrom, checkedUntil, max, cancellationToken);

        public Task RememberAnswerAsync(AnsweredRequest answer, CancellationToken cancellationToken) => inner.RememberAnswerAsync(answer, cancellationToken);

        public Task<AnsweredRequest?> FindAnswerAsync(Guid requestId, CancellationToken cancellationToken) => inner.FindAnswerAsync(requestId, cancellationToken);

        public Task<int> ForgetAnswersAsync(DateTimeOffset answeredBefore, int max, CancellationToken cancellationToken) =>
            inner.ForgetAnswersAsync(answeredBefore, max, cancellationToken);

        public Task PingAsync(CancellationToken cancellationToken) => inner.PingAsync(cancellationToken);

        private async Task InterfereAsync()
        {
            if (Times > 0)
            {
                Times--;
                await BeforeSave(inner);
            }
        }
    }
}
