using HealthEvents.Core.Hosting;
using HealthEvents.IntegrationTests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace HealthEvents.IntegrationTests.Service;

/// <summary>
/// Readiness as the host's health checks report it (MassTransit's bus check, which the HTTP
/// endpoints will serve): not ready while the broker cannot be reached, ready once the bus runs.
/// </summary>
public class ReadinessTests
{
    [Fact]
    public async Task The_service_is_not_ready_while_the_broker_cannot_be_reached_and_ready_once_it_runs()
    {
        var ct = TestContext.Current.CancellationToken;
        // Kept until the end: MassTransit keeps the last bus's logging in a static, which a disposed host would break.
        using var waiting = Build("amqp://guest:guest@localhost:1/");
        var report = await waiting.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(ct);
        Assert.Equal(HealthStatus.Unhealthy, report.Status);

        await using var vhost = await RabbitBroker.CreateVirtualHostAsync();
        using var running = Build(vhost.Address.ToString());
        await running.StartAsync(ct);
        try
        {
            await Eventually.ReturnsAsync(
                () => running.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(ct),
                report => report.Status == HealthStatus.Healthy, TimeSpan.FromSeconds(30), "the bus to report healthy");
        }
        finally
        {
            await running.StopAsync(CancellationToken.None);
        }
    }

    private static IHost Build(string broker)
    {
        var directory = Path.Combine(Path.GetTempPath(), "healthevents-ready-" + Guid.NewGuid().ToString("N"));
        var builder = HealthEventsHost.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Bus:Transport"] = "RabbitMq",
            ["Bus:RabbitMqUri"] = broker,
            ["Storage:SqlitePath"] = Path.Combine(directory, "store.db"),
        });
        builder.AddHealthEvents();
        return builder.Build();
    }
}
