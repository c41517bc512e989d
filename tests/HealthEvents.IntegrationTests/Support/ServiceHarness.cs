using HealthEvents.Contracts;
using HealthEvents.GraphSimulator;
using HealthEvents.GraphSimulator.Scenarios;
using HealthEvents.Service.Bus;
using HealthEvents.Service.Demo;
using HealthEvents.Service.HealthChecks;
using HealthEvents.Storage;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HealthEvents.IntegrationTests.Support;

/// <summary>
/// The service composed exactly as Program composes it, on a real RabbitMQ virtual host of its
/// own, a temporary SQLite file and an in-process Graph simulator, with MassTransit's test harness
/// watching what it publishes.
/// </summary>
public sealed class ServiceHarness : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly BrokerVirtualHost _vhost;
    private readonly string _directory;

    private ServiceHarness(IHost host, BrokerVirtualHost vhost, GraphSimulatorHost simulator, string directory, CapturingLoggerProvider logs)
    {
        Logs = logs;
        _host = host;
        _vhost = vhost;
        _directory = directory;
        Simulator = simulator;
        Harness = host.Services.GetRequiredService<ITestHarness>();
    }

    public ITestHarness Harness { get; }

    /// <summary>Every line the service logged, at every level.</summary>
    public CapturingLoggerProvider Logs { get; }

    public string DatabasePath => Path.Combine(_directory, "store.db");

    public GraphSimulatorHost Simulator { get; }

    public Uri BrokerAddress => _vhost.Address;

    public IBus Bus => Harness.Bus;

    public IHealthStore Store => _host.Services.GetRequiredService<IHealthStore>();

    public IServiceProvider Services => _host.Services;

    /// <summary>Tenants are the scenario's tokens: CustSpaceId = token name, owning the token's WABAs.</summary>
    public static async Task<ServiceHarness> StartAsync(Scenario scenario, IDictionary<string, string?>? settings = null)
    {
        var vhost = await RabbitBroker.CreateVirtualHostAsync();
        var simulator = await GraphSimulatorHost.StartAsync(scenario);
        var directory = Path.Combine(Path.GetTempPath(), "healthevents-tests", Guid.NewGuid().ToString("N"));

        var values = new Dictionary<string, string?>(ScenarioTenants.Settings(scenario))
        {
            ["Bus:Transport"] = "RabbitMq",
            ["Bus:RabbitMqUri"] = vhost.Address.ToString(),
            ["Bus:RetryLimit"] = "2",
            ["Storage:SqlitePath"] = Path.Combine(directory, "store.db"),
            ["GraphApi:BaseUrl"] = simulator.BaseAddress.ToString(),
            ["GraphApi:RetryBaseDelay"] = "00:00:00.010",
            ["GraphApi:MaxRetryAttempts"] = "1",
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(values);
        var logs = new CapturingLoggerProvider();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.AddHealthChecks();
        builder.AddHealthEventsBus((services, configure) => services.AddMassTransitTestHarness(configure));
        var host = builder.Build();
        await host.StartAsync();
        return new ServiceHarness(host, vhost, simulator, directory, logs);
    }

    public Task PublishAsync(HealthCheckRequested request) => Bus.Publish(request, TestContext.Current.CancellationToken);

    /// <summary>Waits for the first published <typeparamref name="T"/> matching <paramref name="match"/>.</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool> match, TimeSpan? timeout = null)
        where T : class
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var found = Harness.Published.Select<T>().Select(m => m.Context.Message).FirstOrDefault(match);
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

    public List<T> PublishedNow<T>(Func<T, bool>? match = null)
        where T : class =>
        Harness.Published.Select<T>().Select(m => m.Context.Message).Where(match ?? (_ => true)).ToList();

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await Simulator.DisposeAsync();
        await _vhost.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
