using HealthEvents.Domain.Tenants;
using HealthEvents.Graph;
using HealthEvents.Graph.Throttling;
using HealthEvents.GraphSimulator;
using HealthEvents.GraphSimulator.Scenarios;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HealthEvents.IntegrationTests.Support;

/// <summary>The real Graph client, wired as the service wires it, talking HTTP to an in-process simulator.</summary>
public sealed class GraphClientHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private GraphClientHarness(GraphSimulatorHost simulator, ServiceProvider services)
    {
        Simulator = simulator;
        _services = services;
        Client = services.GetRequiredService<GraphApiClient>();
    }

    public GraphSimulatorHost Simulator { get; }

    public GraphApiClient Client { get; }

    public static GraphCaller Alpha { get; } = new("cs-alpha", new AccessToken(TestScenarios.AlphaToken));

    public static async Task<GraphClientHarness> StartAsync(Scenario scenario, IGraphCallGate? gate = null, IDictionary<string, string?>? settings = null)
    {
        var simulator = await GraphSimulatorHost.StartAsync(scenario);
        var values = new Dictionary<string, string?>
        {
            ["GraphApi:BaseUrl"] = simulator.BaseAddress.ToString(),
            ["GraphApi:RetryBaseDelay"] = "00:00:00.010",
            ["GraphApi:AttemptTimeout"] = "00:00:01",
            ["GraphApi:MaxRetryAttempts"] = "2",
            ["GraphApi:PageSize"] = "25",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        // The client refuses to start without a budget; these tests measure the client alone.
        services.AddSingleton(gate ?? UnlimitedGraphCallGate.Instance);

        services.AddGraphApiClient();
        return new GraphClientHarness(simulator, services.BuildServiceProvider());
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Simulator.DisposeAsync();
    }
}

/// <summary>Counts gate entries and back-off requests, admitting everything.</summary>
public sealed class RecordingGate : IGraphCallGate
{
    private int _entries;

    public int Entries => _entries;

    public List<(string Tenant, TimeSpan RetryAfter)> BackOffs { get; } = [];

    public ValueTask<IDisposable> EnterAsync(string custSpaceId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _entries);
        return UnlimitedGraphCallGate.Instance.EnterAsync(custSpaceId, cancellationToken);
    }

    public void BackOff(string custSpaceId, TimeSpan retryAfter)
    {
        lock (BackOffs)
        {
            BackOffs.Add((custSpaceId, retryAfter));
        }
    }
}
