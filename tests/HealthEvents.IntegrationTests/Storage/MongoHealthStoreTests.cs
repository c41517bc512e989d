using HealthEvents.Storage;
using HealthEvents.Storage.MongoDb;
using MongoDB.Driver;
using Testcontainers.MongoDb;

namespace HealthEvents.IntegrationTests.Storage;

/// <summary>
/// Finds a MongoDB server: <c>HEALTHEVENTS_MONGODB</c>, else a container when a Docker engine
/// answers. With neither, every test here is reported as skipped with the reason.
/// </summary>
public sealed class MongoServerFixture : IAsyncLifetime
{
    private MongoDbContainer? _container;

    public string? ConnectionString { get; private set; }

    public string SkipReason { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        ConnectionString = Environment.GetEnvironmentVariable("HEALTHEVENTS_MONGODB");
        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            return;
        }

        if (!File.Exists("/var/run/docker.sock") && Environment.GetEnvironmentVariable("DOCKER_HOST") is null)
        {
            SkipReason = "No MongoDB server: HEALTHEVENTS_MONGODB is not set and no Docker engine is available for Testcontainers.";
            return;
        }

        try
        {
            _container = new MongoDbBuilder("mongo:7").Build();
            await _container.StartAsync();
            ConnectionString = _container.GetConnectionString();
        }
#pragma warning disable CA1031 // Any failure to start a container means "no server here", reported as a skip.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            SkipReason = $"No MongoDB server: HEALTHEVENTS_MONGODB is not set and Testcontainers could not start one ({ex.GetType().Name}).";
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }
}

public sealed class MongoHealthStoreTests(MongoServerFixture server) : HealthStoreContract, IClassFixture<MongoServerFixture>
{
    protected override async Task<IHealthStore> CreateStoreAsync()
    {
        if (server.ConnectionString is null)
        {
            Assert.Skip(server.SkipReason);
        }

        var database = new MongoClient(server.ConnectionString).GetDatabase("healthevents_test_" + Guid.NewGuid().ToString("N"));
        var store = new MongoHealthStore(database);
        await store.InitializeAsync(Ct);
        return store;
    }
}
