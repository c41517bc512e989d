using HealthEvents.Core.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HealthEvents.Http.Operations;

/// <summary>
/// While the service waits for its broker at start-up (nothing else has started yet), a minimal
/// server on <c>Http:Urls</c> answers <c>/healthz/live</c> 200 and <c>/healthz/ready</c> 503, so an
/// orchestrator sees a live process that is not ready instead of a closed port; every other path
/// is 503. It stops, freeing the port, just before the service starts.
/// </summary>
public sealed class BrokerWaitProbes(IOptions<HttpApiOptions> options) : IBrokerWaitProbes
{
    public async Task<IAsyncDisposable?> StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Urls is not { Length: > 0 } urls)
        {
            return null;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(urls);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/healthz/live", () => Results.Json(new { status = "Healthy", checks = new { } }));
        app.MapFallback((HttpContext http) =>
        {
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return http.Response.WriteAsJsonAsync(
                new { status = "Unhealthy", checks = new { broker = new { status = "Unhealthy", description = "Waiting for the broker at start-up." } } },
                http.RequestAborted);
        });
        await app.StartAsync(cancellationToken);
        return new Running(app);
    }

    /// <summary>Stops listening before it is disposed, so the service can bind the same address at once.</summary>
    private sealed class Running(WebApplication app) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
    }
}
