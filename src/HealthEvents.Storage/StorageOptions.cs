using System.ComponentModel.DataAnnotations;

namespace HealthEvents.Storage;

/// <summary>Configuration section <c>Storage</c>. The embedded SQLite store needs no settings.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary><c>Sqlite</c> (default, a file under the data folder) or <c>MongoDb</c>.</summary>
    [Required, RegularExpression("^(Sqlite|MongoDb)$", ErrorMessage = "Storage:Provider must be 'Sqlite' or 'MongoDb'.")]
    public string Provider { get; set; } = "Sqlite";

    /// <summary>The SQLite database file.</summary>
    [Required]
    public string SqlitePath { get; set; } = Path.Combine("data", "healthevents.db");

    /// <summary>MongoDB connection string, required when <see cref="Provider"/> is <c>MongoDb</c>.</summary>
    public string? MongoDbConnectionString { get; set; }

    [Required]
    public string MongoDbDatabase { get; set; } = "healthevents";
}
