using System.CommandLine;
using HealthEvents.Core.Hosting;
using HealthEvents.Domain.Tenants;
using HealthEvents.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HealthEvents.Cli.Commands;

/// <summary>`healthevents tenants validate`: the service's start-up validation, run on its configuration.</summary>
public static class TenantsCommand
{
    public static Command Create(Option<FileInfo?> config)
    {
        var validate = new Command("validate", "Load the configuration and report every problem, as the service's start-up does (exit code 2 when there is one).");
        validate.SetAction(async (parse, cancellationToken) =>
        {
            // Composed as the binary composes it (HTTP side included), on the tool's configuration only.
            var builder = HealthEventsWeb.CreateBuilder([]);
            builder.Configuration.Sources.Clear();
            builder.Configuration.AddConfiguration(CliConfiguration.Load(parse.GetValue(config)));
            builder.AddHealthEventsService();
            return await StartupErrors.ReportAsync(async () =>
            {
                using var host = builder.Build();
                host.ValidateConfiguration();
                var tenants = host.Services.GetRequiredService<ITenantRegistry>().All;
                await Console.Out.WriteLineAsync(tenants.Count == 0
                    ? "The configuration is valid, but no tenants are registered (Tenants:Spaces): every check would be rejected as AccessDenied."
                    : $"The configuration is valid: {tenants.Count} tenant(s): {string.Join("; ", tenants.Select(t => $"{t.CustSpaceId} ({t.WabaIds.Count} WABA(s), {t.Limits.RequestsPerSecond}/s)"))}.");
            });
        });
        var tenants = new Command("tenants", "The tenant registry.") { validate };
        return tenants;
    }
}
