using HealthEvents.Core.HealthChecks;
using HealthEvents.Domain.Tenants;
using HealthEvents.Graph;
using HealthEvents.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HealthEvents.UnitTests.Support;

/// <summary>
/// The check pipeline as every host composes it (<see cref="HealthChecksRegistration.AddHealthCheckPipeline"/>),
/// without a bus: a SQLite file of its own and <see cref="StubGraph"/> as Meta. Tenant <c>alpha</c>
/// owns WABA <see cref="Waba"/>; <c>beta</c> owns <see cref="OtherWaba"/>.
/// </summary>
public sealed class CheckPipeline : IAsyncDisposable
{
    public const string Waba = "102290129340398";
    public const string OtherWaba = "203300000000001";

    private readonly IHost _host;
    private readonly string _directory;
    private readonly List<IServiceScope> _scopes = [];

    private CheckPipeline(IHost host, StubGraph graph, string directory)
    {
        _host = host;
        Graph = graph;
        _directory = directory;
    }

    public StubGraph Graph { get; }

    public IHealthStore Store => _host.Services.GetRequiredService<IHealthStore>();

    public Tenant Alpha => Get<ITenantRegistry>().TryGet("alpha", out var tenant) ? tenant : throw new InvalidOperationException();

    /// <param name="time">The clock of every collaborator (the budget, the store's check times); the system's unless given.</param>
    public static async Task<CheckPipeline> StartAsync(StubGraph? graph = null, TimeProvider? time = null)
    {
        graph ??= new StubGraph();
        var directory = Directory.CreateTempSubdirectory("healthevents-unit-").FullName;
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:SqlitePath"] = Path.Combine(directory, "store.db"),
            ["GraphApi:BaseUrl"] = "http://graph.test/",
            ["GraphApi:MaxRetryAttempts"] = "0",
            ["Tenants:Spaces:alpha:AccessToken"] = "unit-token-alpha",
            ["Tenants:Spaces:alpha:WabaIds:0"] = Waba,
            ["Tenants:Spaces:beta:AccessToken"] = "unit-token-beta",
            ["Tenants:Spaces:beta:WabaIds:0"] = OtherWaba,
        });
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.AddHealthCheckPipeline();
        builder.Services.AddHttpClient<GraphApiClient>().ConfigurePrimaryHttpMessageHandler(() => graph);
        var host = builder.Build();
        await host.Services.GetRequiredService<IHealthStore>().InitializeAsync(TestContext.Current.CancellationToken);
        return new CheckPipeline(host, graph, directory);
    }

    /// <summary>A collaborator from a scope of its own, as each consumed message gets one.</summary>
    public T Get<T>()
        where T : notnull
    {
        var scope = _host.Services.CreateScope();
        lock (_scopes)
        {
            _scopes.Add(scope);
        }

        return scope.ServiceProvider.GetRequiredService<T>();
    }

    public ValueTask DisposeAsync()
    {
        _scopes.ForEach(s => s.Dispose());
        _host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}
