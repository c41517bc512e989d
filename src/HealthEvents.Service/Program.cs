using HealthEvents.Core.Hosting;
using Microsoft.Extensions.Hosting;

// The production service: checks from the bus, answers from Meta's Graph API, kept in the store.
// Configuration: appsettings.json beside the binary, then environment variables (README).
// The demo against the Graph simulator is its own program: src/HealthEvents.Demo.
return await StartupErrors.ReportAsync(async () =>
{
    var builder = HealthEventsHost.CreateBuilder(args);
    builder.AddHealthEventsLogging();
    builder.AddHealthEvents();

    using var host = builder.Build();
    host.ValidateConfiguration();
    await host.RunServiceAsync();
});
