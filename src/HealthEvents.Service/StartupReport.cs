using HealthEvents.Domain.Tenants;
using HealthEvents.Graph;
using HealthEvents.Service.Bus;
using HealthEvents.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HealthEvents.Service;

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
        var broker = bus.Value.Transport == "RabbitMq" ? $" at {RabbitMqAddress.Parse(bus.Value.RabbitMqUri)}" : "";
        var store = storage.Value.Provider == "Sqlite" ? $"Sqlite ({Path.GetFullPath(storage.Value.SqlitePath)})" : $"MongoDb (database {storage.Value.MongoDbDatabase})";
        logger.LogInformation(
            "HealthEvents started: {Transport} bus{Broker}, queue {Queue}; store {Store}; Graph API {GraphUrl} {GraphVersion}; {TenantCount} tenants",
            bus.Value.Transport, broker, bus.Value.QueueName, store, graph.Value.BaseUrl, graph.Value.ApiVersion, tenants.All.Count);
        if (tenants.All.Count == 0)
        {
            logger.LogWarning("No tenants are registered (Tenants:Spaces): every check will be rejected as AccessDenied");
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
