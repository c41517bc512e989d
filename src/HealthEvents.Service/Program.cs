using HealthEvents.Service;
using HealthEvents.Service.Bus;
using HealthEvents.Service.Demo;
using HealthEvents.Service.HealthChecks;
using HealthEvents.Service.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

// `demo`: the embedded default with the simulator and a sample workload. Otherwise: the service.
if (args.Length > 0 && args[0] == "demo")
{
    return await DemoRunner.RunAsync(args[1..]);
}

return await StartupErrors.ReportAsync(async () =>
{
    var builder = HealthEventsHost.CreateBuilder(args);
    builder.AddHealthEventsLogging();
    builder.AddHealthChecks();
    builder.AddHealthEventsBus();

    using var host = builder.Build();
    // Report bad configuration as a list of problems before anything starts, not as a host failure.
    host.Services.GetService<IStartupValidator>()?.Validate();
    await host.RunAsync();
});
