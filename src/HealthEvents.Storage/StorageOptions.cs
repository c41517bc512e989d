using System.ComponentModel.DataAnnotations;

namespace HealthEvents.Storage;

/// <summary>Configuration section <c>Storage</c>. The embedded SQLite store needs no settings.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary><see cref="StorageProvider.Sqlite"/> (default, a file under the data folder) or <see cref="StorageProvider.MongoDb"/>.</summary>
    [EnumDataType(typeof(StorageProvider), ErrorMessage = "Storage:Provider must be 'Sqlite' or 'MongoDb'.")]
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>The SQLite database file.</summary>
    [Required]
    public string SqlitePath { get; set; } = Path.Combine("data", "healthevents.db");

    /// <summary>
    /// How hard SQLite makes each commit durable. <see cref="SqliteSynchronous.Normal"/> (default, in
    /// WAL): a commit survives the process being killed, but the last commits before an operating
    /// system crash or power cut may be rolled back. <see cref="SqliteSynchronous.Full"/>: every commit
    /// is flushed to disk first, several times slower per check.
    /// </summary>
    [EnumDataType(typeof(SqliteSynchronous), ErrorMessage = "Storage:SqliteSynchronous must be 'Normal' or 'Full'.")]
    public SqliteSynchronous SqliteSynchronous { get; set; } = SqliteSynchronous.Normal;

    /// <summary>MongoDB connection string, required when <see cref="Provider"/> is <c>MongoDb</c>.</summary>
    public string? MongoDbConnectionString { get; set; }

    [Required]
    public string MongoDbDatabase { get; set; } = "healthevents";

    /// <summary>
    /// Longest a store call may take before it fails as unavailable (the check is retried, then
    /// goes to the error queue with the reason; it is never acknowledged unsaved).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Store calls running at once; a hung store holds at most this many threads.</summary>
    [Range(1, 256)]
    public int MaxConcurrentOperations { get; set; } = 32;
}

/// <summary>Where snapshots, history and the outbox are kept.</summary>
public enum StorageProvider
{
    /// <summary>An embedded SQLite file: one machine, nothing to install.</summary>
    Sqlite,

    /// <summary>A MongoDB server: the production system of record.</summary>
    MongoDb,
}

/// <summary>SQLite's <c>synchronous</c> setting for the embedded store (see <see cref="StorageOptions.SqliteSynchronous"/>).</summary>
public enum SqliteSynchronous
{
    Normal,
    Full,
}
