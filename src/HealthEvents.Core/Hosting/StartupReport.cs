using HealthEvents.Core.Bus;
using HealthEvents.Domain.Tenants;
using HealthEvents.Graph;
using HealthEvents.Storage;
using Microsoft.Extensions.Configuration;
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
    IConfiguration configuration,
    ILogger<StartupReport> logger) : IHostedService
{
    /// <summary>Settings of the sharded topology earlier versions had; set, they now change nothing.</summary>
    private static readonly string[] RetiredSettings = ["Bus:Shards", "Bus:SingleRouter", "Bus:RouterLeaseInterval"];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var broker = bus.Value.Transport == BusTransport.RabbitMq ? $" at {LogSafe.Url(bus.Value.RabbitMqUri)} (checks run from {CheckQueues.From(bus.Value).WorkQueue})" : "";
        var store = storage.Value.Provider == StorageProvider.Sqlite
            ? $"Sqlite ({Path.GetFullPath(storage.Value.SqlitePath)})"
            : $"MongoDb (database {storage.Value.MongoDbDatabase})";
        logger.LogInformation(
            "HealthEvents started: {Transport} bus{Broker}, queue {Queue}; store {Store}; Graph API {GraphUrl} {GraphVersion}; {TenantCount} tenants",
            bus.Value.Transport, broker, bus.Value.QueueName, store, LogSafe.Url(graph.Value.BaseUrl), graph.Value.ApiVersion, tenants.All.Count);
        foreach (var retired in RetiredSettings.Where(key => configuration[key] is not null))
        {
            logger.LogWarning("{Setting} is set but no longer used: one work queue with a single active consumer replaced the shards and the router (docs/design.md)", retired);
        }

        if (tenants.All.Count == 0)
        {
            logger.LogWarning("No tenants are registered (Tenants:Spaces): every check will be rejected as AccessDenied");
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
