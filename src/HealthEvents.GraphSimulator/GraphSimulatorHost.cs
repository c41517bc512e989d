using HealthEvents.GraphSimulator.Scenarios;
using HealthEvents.GraphSimulator.Simulation;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace HealthEvents.GraphSimulator;

/// <summary>
/// Runs the simulator on Kestrel, in its own process (Program) or inside a test, a benchmark or
/// the demo: real HTTP on a loopback port, so the Graph client is exercised end to end.
/// </summary>
public sealed class GraphSimulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GraphSimulatorHost(WebApplication app, SimulatorState state, Uri address)
    {
        _app = app;
        State = state;
        BaseAddress = address;
    }

    /// <summary>The root the Graph client's <c>BaseUrl</c> points at (the version is part of each path).</summary>
    public Uri BaseAddress { get; }

    public SimulatorState State { get; }

    /// <summary>Meta's webhooks as the simulator sends them.</summary>
    public WebhookSender Webhooks => _app.Services.GetRequiredService<WebhookSender>();

    public static WebApplication Build(Scenario scenario, string url, TimeProvider? time = null, string[]? args = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args ?? []);
        builder.WebHost.UseUrls(url);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(new SimulatorState(scenario, time ?? TimeProvider.System));
        builder.Services.AddSingleton(time ?? TimeProvider.System);
        builder.Services.AddSingleton<WebhookSender>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WebhookSender>());
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        var app = builder.Build();
        app.MapGraphEndpoints();
        app.MapControlEndpoints();
        return app;
    }

    /// <summary>Starts on <paramref name="url"/> (default: a free loopback port).</summary>
    public static async Task<GraphSimulatorHost> StartAsync(Scenario scenario, string url = "http://127.0.0.1:0", TimeProvider? time = null)
    {
        var app = Build(scenario, url, time);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new GraphSimulatorHost(app, app.Services.GetRequiredService<SimulatorState>(), new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
