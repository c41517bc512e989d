using Microsoft.Extensions.Hosting;

namespace HealthEvents.Service;

public static class HealthEventsHost
{
    /// <summary>
    /// A host builder that reads <c>appsettings.json</c> from beside the binary, so the service
    /// behaves the same whatever directory it is started from (environment variables still win).
    /// </summary>
    public static HostApplicationBuilder CreateBuilder(string[] args) =>
        Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
}
