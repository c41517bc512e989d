using HealthEvents.Core.Hosting;
using HealthEvents.Domain.Tenants;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HealthEvents.Http.Operations;

/// <summary>One line at start-up saying what the HTTP side serves (never a key or a secret).</summary>
public sealed class HttpStartupReport(
    IOptions<HttpApiOptions> http,
    IOptions<TelemetryOptions> telemetry,
    HttpSecrets secrets,
    ITenantRegistry tenants,
    ILogger<HttpStartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(http.Value.Urls))
        {
            logger.LogInformation("HTTP side off (set Http:Urls to serve the API, webhooks, probes and the dashboard)");
        }
        else
        {
            logger.LogInformation(
                "HTTP side on {Urls}: API keys for {KeyedTenants} of {Tenants} tenants{Admin}, {Limit} requests/s per tenant; Meta webhooks {Webhooks}; dashboard {Dashboard}",
                http.Value.Urls, tenants.All.Count(t => t.ApiKey is not null), tenants.All.Count, secrets.AdminKey is null ? "" : " and an admin key",
                http.Value.RequestsPerSecond, secrets.AppSecret is null ? "off" : "on", http.Value.Dashboard ? "on" : "off");
        }

        logger.LogInformation("Telemetry: {Telemetry}", telemetry.Value.OtlpEndpoint is { } endpoint ? $"OTLP {telemetry.Value.OtlpProtocol} to {LogSafe.Url(endpoint)}" : "off");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
