using HealthEvents.Core.Bus;
using HealthEvents.Domain.Tenants;
using HealthEvents.Graph;
using HealthEvents.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HealthEvents.Core.Hosting;

/// <summary>One line at start-up saying what the service runs on (never credentials or tokens).</summary>
public sealed class StartupReport(
    IOptions<BusOptions> bus,
    IOptions<StorageOptions> storage,
    IOptions<GraphApiOptions> graph,
    ITenantRegistry tenants,
    ILogger<StartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var broker = bus.Value.Transport == BusTransport.RabbitMq ? $" at {LogSafe.Url(bus.Value.RabbitMqUri)} ({bus.Value.Shards} shards)" : "";
        var store = storage.Value.Provider == StorageProvider.Sqlite
            ? $"Sqlite ({Path.GetFullPath(storage.Value.SqlitePath)})"
            : $"MongoDb (database {storage.Value.MongoDbDatabase})";
        logger.LogInformation(
            "HealthEvents started: {Transport} bus{Broker}, queue {Queue}; store {Store}; Graph API {GraphUrl} {GraphVersion}; {TenantCount} tenants",
            bus.Value.Transport, broker, bus.Value.QueueName, store, LogSafe.Url(graph.Value.BaseUrl), graph.Value.ApiVersion, tenants.All.Count);
        if (tenants.All.Count == 0)
        {
            logger.LogWarning("No tenants are registered (Tenants:Spaces): every check will be rejected as AccessDenied");
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
