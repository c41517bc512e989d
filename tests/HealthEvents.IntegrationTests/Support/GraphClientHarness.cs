using Microsoft.Extensions.Logging;
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

    public static GraphCaller Alpha { get; } = new("cs-alpha", TestScenarios.AlphaWaba, new AccessToken(TestScenarios.AlphaToken));

    public static async Task<GraphClientHarness> StartAsync(Scenario scenario, IGraphCallGate? gate = null, IDictionary<string, string?>? settings = null, ILoggerProvider? logging = null)
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

        if (logging is not null)
        {
            services.AddLogging(builder => builder.AddProvider(logging));
        }

        services.AddGraphApiClient();
        return new GraphClientHarness(simulator, services.BuildServiceProvider());
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Simulator.DisposeAsync();
    }
}

/// <summary>Counts gate entries and Meta's pauses, admitting everything (or, with <see cref="Defer"/>, every entry after the first <see cref="AdmitFirst"/>).</summary>
public sealed class RecordingGate : IGraphCallGate
{
    private int _entries;

    public int Entries => _entries;

    public int AdmitFirst { get; init; } = int.MaxValue;

    public CallDeferral? Defer { get; init; }

    public List<(GraphCallScope Scope, MetaPause Pause)> Pauses { get; } = [];

    public ValueTask<CallPermit> EnterAsync(GraphCallScope scope, CancellationToken cancellationToken)
    {
        return Interlocked.Increment(ref _entries) > AdmitFirst && Defer is { } deferral
            ? ValueTask.FromResult<CallPermit>(new CallPermit.Later(deferral))
            : UnlimitedGraphCallGate.Instance.EnterAsync(scope, cancellationToken);
    }

    public void Pause(GraphCallScope scope, MetaPause pause)
    {
        lock (Pauses)
        {
            Pauses.Add((scope, pause));
        }
    }
}

public static class GraphAnswers
{
    /// <summary>Meta's answer; a deferral fails the test.</summary>
    public static T Answer<T>(this GraphAnswer<T> answer) =>
        answer is GraphAnswer<T>.Answered answered ? answered.Value : throw new Xunit.Sdk.XunitException($"The call was deferred: {answer}.");
}
