using HealthEvents.Storage;
using HealthEvents.Storage.Sqlite;

namespace HealthEvents.IntegrationTests.Storage;

public sealed class SqliteHealthStoreTests : HealthStoreContract, IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "healthevents-tests", Guid.NewGuid().ToString("N"));

    protected override async Task<IHealthStore> CreateStoreAsync()
    {
        var store = new SqliteHealthStore(Path.Combine(_directory, "store.db"));
        await store.InitializeAsync(Ct);
        return store;
    }

    [Fact]
    public async Task A_write_cancelled_while_another_process_holds_the_file_is_dropped_not_run_later()
    {
        var store = (SqliteHealthStore)await CreateStoreAsync();
        await using var locker = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_directory, "store.db")};Pooling=False");
        await locker.OpenAsync(Ct);
        await using (var exclusive = locker.CreateCommand())
        {
            exclusive.CommandText = "BEGIN EXCLUSIVE;";
            await exclusive.ExecuteNonQueryAsync(Ct);
        }

        var answer = new AnsweredRequest(Guid.NewGuid(), new("cs-alpha", "phone", "1"), 1, DateTimeOffset.UnixEpoch, FromCache: true, DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        // Not the lock's "database is locked" after the 30 s busy timeout: the caller's own cancellation.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.RememberAnswerAsync(answer, deadline.Token));

        await using (var release = locker.CreateCommand())
        {
            release.CommandText = "ROLLBACK;";
            await release.ExecuteNonQueryAsync(Ct);
        }

        var later = answer with { RequestId = Guid.NewGuid() };
        await store.RememberAnswerAsync(later, Ct);
        Assert.Equal(later, await store.FindAnswerAsync(later.RequestId, Ct));
        Assert.Null(await store.FindAnswerAsync(answer.RequestId, Ct));
    }

    [Fact]
    public async Task The_database_runs_in_wal_mode()
    {
        await CreateStoreAsync();
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_directory, "store.db")}");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task A_file_written_before_history_had_a_schema_still_reads_its_changes()
    {
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, "store.db");
        // The schema-1 layout: history rows held the published HealthStatusChanged event.
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}"))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE history (cust_space_id TEXT NOT NULL, node_type TEXT NOT NULL, node_id TEXT NOT NULL, version INTEGER NOT NULL,
                    change_json TEXT NOT NULL, recorded_seq INTEGER NOT NULL, dispatched INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (cust_space_id, node_type, node_id, version));
                INSERT INTO history VALUES ('cs-alpha', 'waba', '102290129340398', 2,
                    '{"custSpaceId":"cs-alpha","nodeType":"waba","nodeId":"102290129340398","wabaId":"102290129340398","previous":"AVAILABLE","current":"BLOCKED","entities":[{"entityType":"WABA","id":"102290129340398","canSendMessage":"BLOCKED","errors":[{"errorCode":"141006"}]}],"previousEntities":[{"entityType":"WABA","id":"102290129340398","canSendMessage":"AVAILABLE"}],"checkedAt":"2026-11-01T12:00:00+00:00","version":2}',
                    1, 0);
                """;
            await command.ExecuteNonQueryAsync(Ct);
        }

        var store = new SqliteHealthStore(path);
        await store.InitializeAsync(Ct);
        var key = new HealthEvents.Domain.HealthChecks.NodeKey("cs-alpha", "waba", "102290129340398");

        var change = Assert.Single(await store.GetUndispatchedAsync(10, Ct));
        Assert.Equal(key, change.Key);
        Assert.Equal(2, change.Version);
        Assert.Equal("102290129340398", change.Identity.WabaId);
        Assert.Equal("BLOCKED", change.Current.CanSendMessage);
        Assert.Equal("141006", change.Current.Entities[0].Errors[0].ErrorCode);
        Assert.Equal("AVAILABLE", change.Previous!.CanSendMessage);
        Assert.Equal("BLOCKED", Assert.Single(await store.GetHistoryAsync(key, 1, 10, Ct)).Current.CanSendMessage);

        // Read by time too, though it was written before history rows carried their time.
        var at = new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(2, Assert.Single(await store.GetChangesAsync("cs-alpha", at.AddHours(-1), at.AddHours(1), 10, Ct)).Version);
        Assert.Empty(await store.GetChangesAsync("cs-alpha", at.AddTicks(1), at.AddHours(1), 10, Ct));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
