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
    public async Task The_database_runs_in_wal_mode()
    {
        await CreateStoreAsync();
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_directory, "store.db")}");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync(Ct));
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
