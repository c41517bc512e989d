using HealthEvents.Core.Hosting;
using HealthEvents.Http;
using Microsoft.Extensions.Hosting;

// The production service: checks from the bus, answers from Meta's Graph API, kept in the store;
// with Http:Urls set, also the query API, Meta webhooks, health probes and the dashboard.
// Configuration: appsettings.json beside the binary, then environment variables (README).
// The demo against the Graph simulator is its own program: src/HealthEvents.Demo.
return await StartupErrors.ReportAsync(async () =>
{
    var builder = HealthEventsWeb.CreateBuilder(args);
    builder.AddHealthEventsLogging();
    builder.AddHealthEventsService();

    using var host = builder.Build();
    host.ValidateConfiguration();
    await host.RunServiceAsync();
});
