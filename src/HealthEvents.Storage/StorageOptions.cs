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

    /// <summary>MongoDB connection string, required when <see cref="Provider"/> is <c>MongoDb</c>.</summary>
    public string? MongoDbConnectionString { get; set; }

    [Required]
    public string MongoDbDatabase { get; set; } = "healthevents";
}

/// <summary>Where snapshots, history and the outbox are kept.</summary>
public enum StorageProvider
{
    /// <summary>An embedded SQLite file: one machine, nothing to install.</summary>
    Sqlite,

    /// <summary>A MongoDB server: the production system of record.</summary>
    MongoDb,
}
