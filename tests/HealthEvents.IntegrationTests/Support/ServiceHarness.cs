using HealthEvents.Contracts;
using HealthEvents.Core.Bus;
using HealthEvents.Demo;
using HealthEvents.GraphSimulator;
using HealthEvents.GraphSimulator.Scenarios;
using HealthEvents.Storage;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HealthEvents.IntegrationTests.Support;

/// <summary>
/// The service composed exactly as the production binary composes it (<see cref="ScenarioService"/>),
/// with a temporary SQLite file, an in-process Graph simulator and MassTransit's test harness
/// watching what it publishes. On <see cref="BusTransport.InMemory"/> it needs no broker (consumer
/// specs); on <see cref="BusTransport.RabbitMq"/> it gets a virtual host of its own on the real
/// broker (what only a broker shows: topology, durability, redelivery), or the test is skipped.
/// </summary>
public sealed class ServiceHarness : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly BrokerVirtualHost? _vhost;
    private readonly string _directory;

    private ServiceHarness(IHost host, BrokerVirtualHost? vhost, GraphSimulatorHost simulator, string directory, CapturingLoggerProvider logs)
    {
        Logs = logs;
        _host = host;
        _vhost = vhost;
        _directory = directory;
        Simulator = simulator;
        Harness = host.Services.GetRequiredService<ITestHarness>();
        Harness.Bus.ConnectPublishObserver(_published);
    }

    private readonly PublishedRecorder _published = new();

    public ITestHarness Harness { get; }

    /// <summary>Every line the service logged, at every level.</summary>
    public CapturingLoggerProvider Logs { get; }

    public string DatabasePath => Path.Combine(_directory, "store.db");

    public GraphSimulatorHost Simulator { get; }

    /// <summary>The broker's virtual host; only on <see cref="BusTransport.RabbitMq"/>.</summary>
    public Uri BrokerAddress => _vhost?.Address ?? throw new InvalidOperationException("This harness runs on the in-memory transport.");

    public IBus Bus => Harness.Bus;

    public IHealthStore Store => _host.Services.GetRequiredService<IHealthStore>();

    public IServiceProvider Services => _host.Services;

    /// <summary>Where the service's HTTP side listens (set <c>Http:Urls</c> to <c>http://127.0.0.1:0</c> for a free port).</summary>
    public Uri HttpAddress => new(Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
        .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First());

    /// <summary>On a real RabbitMQ broker (skipped when there is none).</summary>
    public static Task<ServiceHarness> StartAsync(Scenario scenario, IDictionary<string, string?>? settings = null) =>
        StartAsync(BusTransport.RabbitMq, scenario, settings);

    /// <summary>On MassTransit's in-memory transport: no broker needed.</summary>
    public static Task<ServiceHarness> StartInMemoryAsync(Scenario scenario, IDictionary<string, string?>? settings = null) =>
        StartAsync(BusTransport.InMemory, scenario, settings);

    private static async Task<ServiceHarness> StartAsync(BusTransport transport, Scenario scenario, IDictionary<string, string?>? settings)
    {
        var vhost = transport == BusTransport.RabbitMq ? await RabbitBroker.CreateVirtualHostAsync() : null;
        var simulator = await GraphSimulatorHost.StartAsync(scenario);
        var directory = Path.Combine(Path.GetTempPath(), "healthevents-tests", Guid.NewGuid().ToString("N"));

        var overrides = new Dictionary<string, string?>
        {
            ["Bus:Transport"] = transport.ToString(),
            ["Bus:RetryLimit"] = "2",
            ["GraphApi:RetryBaseDelay"] = "00:00:00.010",
            ["GraphApi:MaxRetryAttempts"] = "1",
        };
        if (vhost is not null)
        {
            overrides["Bus:RabbitMqUri"] = vhost.Address.ToString();
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            overrides[key] = value;
        }

        var logs = new CapturingLoggerProvider();
        var host = ScenarioService.CreateBuilder(
            ScenarioService.Settings(scenario, simulator.BaseAddress, Path.Combine(directory, "store.db"), overrides),
            logging => logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug),
            (services, configure) => services.AddMassTransitTestHarness(configure)).Build();
        await host.StartAsync();
        return new ServiceHarness(host, vhost, simulator, directory, logs);
    }

    /// <summary>Graph calls the simulator saw whose path names <paramref name="nodeId"/>.</summary>
    public int GraphCallsFor(string nodeId) => Simulator.State.Calls.Count(c => c.Path.Contains(nodeId, StringComparison.Ordinal));

    public Task PublishAsync(HealthCheckRequested request) => Bus.Publish(request, TestContext.Current.CancellationToken);

    /// <summary>Waits for the first published <typeparamref name="T"/> matching <paramref name="match"/>.</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool> match, TimeSpan? timeout = null)
        where T : class
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var found = PublishedNow(match).FirstOrDefault();
            if (found is not null)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No {typeof(T).Name} matching the condition was published in time.");
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>
    /// What the service has published so far, read without waiting (the test harness's own lists
    /// wait for the bus to go quiet, which a busy bus never does).
    /// </summary>
    public List<T> PublishedNow<T>(Func<T, bool>? match = null)
        where T : class =>
        PublishedWithInitiator<T>().Select(p => p.Message).Where(match ?? (_ => true)).ToList();

    /// <summary>Published <typeparamref name="T"/> with the InitiatorId each carried.</summary>
    public List<(T Message, Guid? InitiatorId)> PublishedWithInitiator<T>()
        where T : class =>
        [.. PublishedWithIds<T>().Select(p => (p.Message, p.InitiatorId))];

    /// <summary>Published <typeparamref name="T"/> with the InitiatorId and MessageId each carried.</summary>
    public List<(T Message, Guid? InitiatorId, Guid? MessageId)> PublishedWithIds<T>()
        where T : class =>
        [.. _published.Messages.Where(p => p.Message is T).Select(p => ((T)p.Message, p.InitiatorId, p.MessageId))];

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await Simulator.DisposeAsync();
        if (_vhost is not null)
        {
            await _vhost.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}

/// <summary>Keeps every message published on the bus, as it is published.</summary>
internal sealed class PublishedRecorder : IPublishObserver
{
    public System.Collections.Concurrent.ConcurrentQueue<(object Message, Guid? InitiatorId, Guid? MessageId)> Messages { get; } = new();

    public Task PrePublish<T>(PublishContext<T> context)
        where T : class => Task.CompletedTask;

    public Task PostPublish<T>(PublishContext<T> context)
        where T : class
    {
        Messages.Enqueue((context.Message, context.InitiatorId, context.MessageId));
        return Task.CompletedTask;
    }

    public Task PublishFault<T>(PublishContext<T> context, Exception exception)
        where T : class => Task.CompletedTask;
}
