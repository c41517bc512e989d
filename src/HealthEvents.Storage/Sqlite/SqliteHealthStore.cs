using HealthEvents.Contracts;
using HealthEvents.Domain.HealthChecks;
using Microsoft.Data.Sqlite;

namespace HealthEvents.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode. Snapshot, history and outbox live in one
/// database, so a change and its pending event are written in one transaction. The outbox is the
/// history table's <c>dispatched</c> column; each history row says which schema its JSON has.
/// </summary>
public sealed class SqliteHealthStore : IHealthStore, IAsyncDisposable, IDisposable
{
    private readonly string _connectionString;
    private readonly string _connectionPragmas;
    private readonly SqliteGroupCommit _commits;

    public SqliteHealthStore(string path, SqliteSynchronous synchronous = SqliteSynchronous.Normal)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        // Per writing connection. busy_timeout lets SQLite itself wait (in short steps) for another process's writer.
        _connectionPragmas = $"PRAGMA synchronous = {synchronous.ToString().ToUpperInvariant()}; PRAGMA busy_timeout = 30000;";
        _commits = new SqliteGroupCommit(OpenWriterAsync);
    }

    public ValueTask DisposeAsync() => _commits.DisposeAsync();

    public void Dispose() => _commits.DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenWriterAsync(cancellationToken);
        await ExecuteAsync(connection, null, """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS snapshots (
                cust_space_id TEXT NOT NULL,
                node_type     TEXT NOT NULL,
                node_id       TEXT NOT NULL,
                version       INTEGER NOT NULL,
                checked_at_ms INTEGER NOT NULL,
                identity_json TEXT NOT NULL,
                snapshot_json TEXT NOT NULL,
                PRIMARY KEY (cust_space_id, node_type, node_id));
            CREATE TABLE IF NOT EXISTS history (
                cust_space_id TEXT NOT NULL,
                node_type     TEXT NOT NULL,
                node_id       TEXT NOT NULL,
                version       INTEGER NOT NULL,
                change_json   TEXT NOT NULL,
                recorded_seq  INTEGER NOT NULL,
                dispatched    INTEGER NOT NULL DEFAULT 0,
                schema        INTEGER NOT NULL DEFAULT 1,
                checked_at_ms INTEGER,
                PRIMARY KEY (cust_space_id, node_type, node_id, version));
            CREATE INDEX IF NOT EXISTS history_undispatched ON history (recorded_seq) WHERE dispatched = 0;
            -- The next recorded_seq is MAX + 1: without this index every change scanned the whole history.
            CREATE INDEX IF NOT EXISTS history_seq ON history (recorded_seq);
            CREATE TABLE IF NOT EXISTS answers (
                request_id       BLOB NOT NULL PRIMARY KEY,
                cust_space_id    TEXT NOT NULL,
                node_type        TEXT NOT NULL,
                node_id          TEXT NOT NULL,
                version          INTEGER NOT NULL,
                checked_at_ticks INTEGER NOT NULL,
                from_cache       INTEGER NOT NULL,
                answered_at_ms   INTEGER NOT NULL);
            """, cancellationToken);
        // Files written before history rows carried a schema hold schema 1 (the published event).
        if (!await HasColumnAsync(connection, "history", "schema", cancellationToken))
        {
            await ExecuteAsync(connection, null, "ALTER TABLE history ADD COLUMN schema INTEGER NOT NULL DEFAULT 1", cancellationToken);
        }

        // When Meta gave each change, for reading a tenant's changes by time without reading its
        // whole history. Rows written before it have none (NULL) and are read and filtered as before.
        if (!await HasColumnAsync(connection, "history", "checked_at_ms", cancellationToken))
        {
            await ExecuteAsync(connection, null, "ALTER TABLE history ADD COLUMN checked_at_ms INTEGER", cancellationToken);
        }

        await ExecuteAsync(connection, null, "CREATE INDEX IF NOT EXISTS history_tenant_checked ON history (cust_space_id, checked_at_ms)", cancellationToken);
    }

    public async Task<StoredSnapshot?> GetAsync(NodeKey key, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, """
            SELECT version, identity_json, snapshot_json FROM snapshots
            WHERE cust_space_id = $c AND node_type = $t AND node_id = $n
            """, key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StoredSnapshot(key, StoreJson.Read<NodeIdentity>(reader.GetString(1)), StoreJson.Read<HealthSnapshot>(reader.GetString(2)), reader.GetInt64(0))
            : null;
    }

    public Task<SaveResult> SaveChangeAsync(StoredChange change, AnsweredRequest? answer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        return _commits.WriteAsync(async (connection, transaction, ct) =>
            await WriteChangeAsync(connection, transaction, change, ct) == SaveResult.Saved
                ? await WriteAnswerAsync(connection, transaction, answer, ct)
                : SaveResult.Conflict, cancellationToken);
    }

    private static async Task<SaveResult> WriteChangeAsync(SqliteConnection connection, SqliteTransaction transaction, StoredChange change, CancellationToken cancellationToken)
    {
        var sql = change.Version == 1
            ? """
              INSERT INTO snapshots (cust_space_id, node_type, node_id, version, checked_at_ms, identity_json, snapshot_json)
              VALUES ($c, $t, $n, $v, $at, $identity, $snapshot) ON CONFLICT DO NOTHING
              """
            : """
              UPDATE snapshots SET version = $v, checked_at_ms = $at, identity_json = $identity, snapshot_json = $snapshot
              WHERE cust_space_id = $c AND node_type = $t AND node_id = $n AND version = $v - 1
              """;
        await using (var write = SnapshotCommand(connection, transaction, sql, change.After))
        {
            if (await write.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                return SaveResult.Conflict;
            }
        }

        await using (var history = Command(connection, transaction, """
            INSERT INTO history (cust_space_id, node_type, node_id, version, change_json, schema, checked_at_ms, recorded_seq)
            VALUES ($c, $t, $n, $v, $change, $schema, $checkedAt, (SELECT COALESCE(MAX(recorded_seq), 0) + 1 FROM history))
            """, change.Key))
        {
            history.Parameters.AddWithValue("$v", change.Version);
            history.Parameters.AddWithValue("$checkedAt", change.Current.CheckedAt.ToUnixTimeMilliseconds());
            history.Parameters.AddWithValue("$change", ChangeDocument.Write(change));
            history.Parameters.AddWithValue("$schema", ChangeDocument.CurrentSchema);
            await history.ExecuteNonQueryAsync(cancellationToken);
        }

        return SaveResult.Saved;
    }

    public Task<SaveResult> SaveRecheckAsync(StoredSnapshot current, AnsweredRequest? answer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(current);
        return _commits.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = SnapshotCommand(connection, transaction, """
            UPDATE snapshots SET
                snapshot_json = CASE WHEN checked_at_ms < $at THEN $snapshot ELSE snapshot_json END,
                checked_at_ms = MAX(checked_at_ms, $at)
            WHERE cust_space_id = $c AND node_type = $t AND node_id = $n AND version = $v
            """, current);
            return await command.ExecuteNonQueryAsync(ct) == 1 ? await WriteAnswerAsync(connection, transaction, answer, ct) : SaveResult.Conflict;
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<StoredChange>> GetUndispatchedAsync(int max, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {ChangeColumns} FROM history WHERE dispatched = 0 ORDER BY recorded_seq LIMIT $max";
        command.Parameters.AddWithValue("$max", max);
        return await ReadChangesAsync(command, cancellationToken);
    }

    public Task MarkDispatchedAsync(NodeKey key, long version, CancellationToken cancellationToken) =>
        _commits.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = Command(connection, transaction, """
                UPDATE history SET dispatched = 1
                WHERE cust_space_id = $c AND node_type = $t AND node_id = $n AND version = $v
                """, key);
            command.Parameters.AddWithValue("$v", version);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public async Task<IReadOnlyList<StoredChange>> GetHistoryAsync(NodeKey key, long fromVersion, int max, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, $"""
            SELECT {ChangeColumns} FROM history
            WHERE cust_space_id = $c AND node_type = $t AND node_id = $n AND version >= $from
            ORDER BY version LIMIT $max
            """, key);
        command.Parameters.AddWithValue("$from", fromVersion);
        command.Parameters.AddWithValue("$max", max);
        return await ReadChangesAsync(command, cancellationToken);
    }

    // StatusRank in SQL, built from its one table.
    private static readonly string RankSql = "CASE json_extract(snapshot_json, '$.canSendMessage') "
        + string.Concat(StatusRank.Known.Select(k => $"WHEN '{k.Status}' THEN {k.Rank} ")) + $"ELSE {StatusRank.Other} END";

    // A display number's digits (every PhoneNumbers separator removed): '+1 555-010-0001' is found by '15550100001' and by '555-010'.
    private static readonly string DigitsSql = PhoneNumbers.Separators.Aggregate(
        "coalesce(json_extract(identity_json, '$.phoneNumber'), '')", (sql, separator) => $"replace({sql}, '{separator}', '')");

    public async Task<IReadOnlyList<StoredSnapshot>> ListSnapshotsAsync(SnapshotQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT cust_space_id, node_type, node_id, version, identity_json, snapshot_json FROM (
                SELECT *, {RankSql} AS rank FROM snapshots
                WHERE cust_space_id = $c AND ($t IS NULL OR node_type = $t) AND ($s IS NULL OR json_extract(snapshot_json, '$.canSendMessage') = $s)
                  AND ($q IS NULL OR instr(node_id, $q) > 0 OR instr(lower(coalesce(json_extract(identity_json, '$.templateCode'), '')), lower($q)) > 0
                       OR ($d IS NOT NULL AND instr({DigitsSql}, $d) > 0)))
            WHERE $ar IS NULL OR (rank, node_type, node_id) > ($ar, $at, $ai)
            ORDER BY rank, node_type, node_id LIMIT $max
            """;
        command.Parameters.AddWithValue("$c", query.CustSpaceId);
        command.Parameters.AddWithValue("$t", (object?)query.NodeType ?? DBNull.Value);
        command.Parameters.AddWithValue("$s", (object?)query.CanSendMessage ?? DBNull.Value);
        command.Parameters.AddWithValue("$q", (object?)query.Search ?? DBNull.Value);
        command.Parameters.AddWithValue("$d", query.Search is { } search && PhoneNumbers.DigitsOfSearch(search) is { } digits ? digits : DBNull.Value);
        command.Parameters.AddWithValue("$ar", (object?)query.After?.Rank ?? DBNull.Value);
        command.Parameters.AddWithValue("$at", (object?)query.After?.NodeType ?? DBNull.Value);
        command.Parameters.AddWithValue("$ai", (object?)query.After?.NodeId ?? DBNull.Value);
        command.Parameters.AddWithValue("$max", query.Max);
        var snapshots = new List<StoredSnapshot>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            snapshots.Add(new StoredSnapshot(
                new NodeKey(reader.GetString(0), reader.GetString(1), reader.GetString(2)),
                StoreJson.Read<NodeIdentity>(reader.GetString(4)), StoreJson.Read<HealthSnapshot>(reader.GetString(5)), reader.GetInt64(3)));
        }

        return snapshots;
    }

    public async Task<IReadOnlyList<StoredChange>> GetChangesAsync(string custSpaceId, DateTimeOffset checkedFrom, DateTimeOffset checkedUntil, int max, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // The column holds whole milliseconds, so it selects a little more than the range (and every
        // row written before it existed); the exact range is applied as rows are read.
        // Two index ranges (a plain OR would scan the tenant's whole index range).
        command.CommandText = $"""
            SELECT {ChangeColumns}, recorded_seq FROM history WHERE cust_space_id = $c AND checked_at_ms IS NULL
            UNION ALL
            SELECT {ChangeColumns}, recorded_seq FROM history WHERE cust_space_id = $c AND checked_at_ms BETWEEN $from AND $until
            ORDER BY recorded_seq
            """;
        command.Parameters.AddWithValue("$c", custSpaceId);
        command.Parameters.AddWithValue("$from", checkedFrom.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$until", checkedUntil == DateTimeOffset.MaxValue ? long.MaxValue : checkedUntil.ToUnixTimeMilliseconds());
        var changes = new List<StoredChange>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (changes.Count < max && await reader.ReadAsync(cancellationToken))
        {
            var change = ReadChange(reader);
            if (change.Current.CheckedAt >= checkedFrom && change.Current.CheckedAt < checkedUntil)
            {
                changes.Add(change);
            }
        }

        return changes;
    }

    public Task RememberAnswerAsync(AnsweredRequest answer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(answer);
        // Droppable: its caller answers without it after a short wait rather than hold a store slot behind a locked file.
        return _commits.WriteAsync((connection, transaction, ct) => WriteAnswerAsync(connection, transaction, answer, ct), cancellationToken, droppable: true);
    }

    private static async Task<SaveResult> WriteAnswerAsync(SqliteConnection connection, SqliteTransaction transaction, AnsweredRequest? answer, CancellationToken cancellationToken)
    {
        if (answer is null)
        {
            return SaveResult.Saved;
        }

        await using var command = Command(connection, transaction, """
            INSERT INTO answers (request_id, cust_space_id, node_type, node_id, version, checked_at_ticks, from_cache, answered_at_ms)
            VALUES ($r, $c, $t, $n, $v, $at, $cache, $answered) ON CONFLICT DO NOTHING
            """, answer.Node);
        command.Parameters.AddWithValue("$r", answer.RequestId.ToByteArray());
        command.Parameters.AddWithValue("$v", answer.Version);
        command.Parameters.AddWithValue("$at", answer.CheckedAt.UtcTicks);
        command.Parameters.AddWithValue("$cache", answer.FromCache ? 1 : 0);
        command.Parameters.AddWithValue("$answered", answer.AnsweredAt.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
        return SaveResult.Saved;
    }

    public async Task<AnsweredRequest?> FindAnswerAsync(Guid requestId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT cust_space_id, node_type, node_id, version, checked_at_ticks, from_cache, answered_at_ms FROM answers WHERE request_id = $r
            """;
        command.Parameters.AddWithValue("$r", requestId.ToByteArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new AnsweredRequest(requestId, new NodeKey(reader.GetString(0), reader.GetString(1), reader.GetString(2)), reader.GetInt64(3),
                new DateTimeOffset(reader.GetInt64(4), TimeSpan.Zero), reader.GetInt64(5) == 1, DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)))
            : null;
    }

    public Task<int> ForgetAnswersAsync(DateTimeOffset answeredBefore, int max, CancellationToken cancellationToken) =>
        _commits.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            // Rows are appended in about the order answers are given, so the oldest lead the rowid
            // order: only the first $max rows are read, and no index on the time is needed (one
            // B-tree fewer to update on every answer).
            command.CommandText = """
                DELETE FROM answers WHERE rowid IN (SELECT rowid FROM answers ORDER BY rowid LIMIT $max) AND answered_at_ms < $before
                """;
            command.Parameters.AddWithValue("$before", answeredBefore.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$max", max);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        // Takes the write lock and lets it go (waiting up to 2 s, longer than any group commit holds it): proves no other
        // process holds it and the file is writable.
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, "PRAGMA busy_timeout = 2000; BEGIN IMMEDIATE; ROLLBACK;", cancellationToken);
    }

    private const string ChangeColumns = "cust_space_id, node_type, node_id, version, schema, change_json";

    private static async Task<IReadOnlyList<StoredChange>> ReadChangesAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var changes = new List<StoredChange>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            changes.Add(ReadChange(reader));
        }

        return changes;
    }

    private static StoredChange ReadChange(SqliteDataReader reader) =>
        ChangeDocument.Read(new NodeKey(reader.GetString(0), reader.GetString(1), reader.GetString(2)), reader.GetInt64(3), reader.GetInt32(4), reader.GetString(5));

    private static async Task<bool> HasColumnAsync(SqliteConnection connection, string table, string column, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM pragma_table_info($table) WHERE name = $column";
        command.Parameters.AddWithValue("$table", table);
        command.Parameters.AddWithValue("$column", column);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>The group commit's connection: how durable a commit is and how long to wait for another process's writer.</summary>
    private async Task<SqliteConnection> OpenWriterAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, _connectionPragmas, cancellationToken);
        return connection;
    }


    private static SqliteCommand SnapshotCommand(SqliteConnection connection, SqliteTransaction? transaction, string sql, StoredSnapshot snapshot)
    {
        var command = Command(connection, transaction, sql, snapshot.Key);
        command.Parameters.AddWithValue("$v", snapshot.Version);
        command.Parameters.AddWithValue("$at", snapshot.Snapshot.CheckedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$identity", StoreJson.Write(snapshot.Identity));
        command.Parameters.AddWithValue("$snapshot", StoreJson.Write(snapshot.Snapshot));
        return command;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, NodeKey key)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("$c", key.CustSpaceId);
        command.Parameters.AddWithValue("$t", key.NodeType);
        command.Parameters.AddWithValue("$n", key.NodeId);
        return command;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
