using HealthEvents.Core.Bus;
using HealthEvents.Core.HealthChecks;
using System.Runtime.InteropServices;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HealthEvents.Core.Hosting;

/// <summary>How every host (the service, the demo, tests and benchmarks) builds HealthEvents.</summary>
public static class HealthEventsHost
{
    /// <summary>
    /// A host builder that reads <c>appsettings.json</c> from beside the binary, so the service
    /// behaves the same whatever directory it is started from, then the <see cref="SettingsFile"/> if one is named (environment variables still win).
    /// </summary>
    public static HostApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        SettingsFile.Add(builder.Configuration);
        return builder;
    }

    /// <summary>
    /// The service: the check pipeline and the bus that feeds it. <paramref name="addMassTransit"/>
    /// lets tests register the bus through MassTransit's test harness; nothing else differs.
    /// </summary>
    public static IHostApplicationBuilder AddHealthEvents(
        this IHostApplicationBuilder builder,
        Action<IServiceCollection, Action<IBusRegistrationConfigurator>>? addMassTransit = null) =>
        builder.AddHealthCheckPipeline().AddHealthEventsBus(addMassTransit);

    /// <summary>
    /// Runs the service until it is stopped. On RabbitMQ it first waits for the broker (one line per
    /// attempt, see <see cref="BrokerConnector"/>) before anything starts, so SIGTERM or Ctrl+C during
    /// that wait is a clean exit rather than a failed start. Meanwhile an <see cref="IBrokerWaitProbes"/>
    /// (the HTTP side's) answers the health probes: live, not ready.
    /// </summary>
    public static async Task RunServiceAsync(this IHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (host.Services.GetService<BrokerConnector>() is { } broker)
        {
            // Not disposed: a signal can arrive while Cancel() runs the broker wait's continuations,
            // which leave this scope; Cancel() on a disposed source would then crash the process.
            // Without a timer the source holds nothing that needs disposing.
#pragma warning disable CA2000
            var stop = new CancellationTokenSource();
#pragma warning restore CA2000
            using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            var probes = host.Services.GetService<IBrokerWaitProbes>();
            await using (probes is null ? null : await probes.StartAsync(stop.Token))
            {
                try
                {
                    await (await broker.ConnectAsync("healthevents-startup", stop.Token)).DisposeAsync();
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
            }

            void Stop(PosixSignalContext signal)
            {
                signal.Cancel = true;
                stop.Cancel();
            }
        }

        await host.RunAsync();
    }

    /// <summary>
    /// Validates every options section now, so bad configuration is reported as a list of
    /// problems (see <see cref="StartupErrors"/>) before anything starts, not as a host failure.
    /// </summary>
    public static void ValidateConfiguration(this IHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        host.Services.GetService<IStartupValidator>()?.Validate();
    }
}

/// <summary>Answers health probes while the service waits for its broker at start-up (stopped before the service starts).</summary>
public interface IBrokerWaitProbes
{
    /// <summary>Starts answering; disposing stops it and frees its port for the service.</summary>
    Task<IAsyncDisposable?> StartAsync(CancellationToken cancellationToken);
}
