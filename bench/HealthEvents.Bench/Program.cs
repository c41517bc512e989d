using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using HealthEvents.Contracts;
using HealthEvents.GraphSimulator;
using HealthEvents.GraphSimulator.Scenarios;
using HealthEvents.Demo;
using HealthEvents.GraphSimulator.Simulation;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// Measures the service end to end: N tenants x M WABA checks through the real consumer, Graph
// client and store, against the in-process simulator. Reports throughput, latency from publish
// to HealthCheckCompleted, and the most Graph calls any tenant made in any one-second window.
//
//   dotnet run -c Release --project bench/HealthEvents.Bench -- [--transport RabbitMq|InMemory]
//       [--tenants 20] [--checks 15] [--rps 5] [--concurrency 2] [--latency-ms 5-25] [--rabbitmq amqp://…]
//   dotnet run -c Release --project bench/HealthEvents.Bench -- --scenario flood [--flood 20000] [--quiet 50] [--seconds 20]
//   dotnet run -c Release --project bench/HealthEvents.Bench -- --scenario coalescing [--requests 10000] [--nodes 100]
if (Array.IndexOf(args, "--scenario") is var at and >= 0 && at + 1 < args.Length)
{
    return await FairnessBench.RunAsync(args[at + 1], (name, fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback);
}

var options = BenchOptions.Parse(args);
var scenario = BuildScenario(options);
await using var simulator = await GraphSimulatorHost.StartAsync(scenario);
var directory = Directory.CreateTempSubdirectory("healthevents-bench-").FullName;

using var host = ScenarioService.CreateBuilder(Settings(options, scenario, simulator.BaseAddress, directory)).Build();
await host.StartAsync();

var bus = host.Services.GetRequiredService<IBus>();
var sentAt = new ConcurrentDictionary<Guid, long>();
var latencies = new ConcurrentBag<double>();
var done = 0;
// A temporary endpoint: auto-deleted with the bus, bound to the published outcome type.
var observer = bus.ConnectReceiveEndpoint(new TemporaryEndpointDefinition(), KebabCaseEndpointNameFormatter.Instance, e =>
{
    e.Handler<HealthCheckCompleted>(c =>
    {
        if (c.InitiatorId is { } id && sentAt.TryRemove(id, out var start))
        {
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        Interlocked.Increment(ref done);
        return Task.CompletedTask;
    });
});
await observer.Ready;

var total = options.Tenants * options.Checks;
var clock = Stopwatch.StartNew();
// Published in concurrent batches so a sequential publisher awaiting each broker confirm is not what gets measured.
var batch = new List<Task>();
for (var round = 0; round < options.Checks; round++)
{
    for (var t = 1; t <= options.Tenants; t++)
    {
        var id = NewId.NextGuid();
        sentAt[id] = Stopwatch.GetTimestamp();
        batch.Add(bus.Publish(new HealthCheckRequested { CustSpaceId = Tenant(t), NodeType = NodeTypes.Waba, WabaId = Waba(t), RequestedAt = DateTimeOffset.UtcNow }, c => c.MessageId = id));
        if (batch.Count == 100)
        {
            await Task.WhenAll(batch);
            batch.Clear();
        }
    }
}

await Task.WhenAll(batch);

var published = clock.Elapsed;
while (Volatile.Read(ref done) < total && clock.Elapsed < TimeSpan.FromMinutes(10))
{
    await Task.Delay(20);
}

var elapsed = clock.Elapsed;
await host.StopAsync();

var calls = simulator.State.Calls;
var worstWindow = CallWindows.MostInAnyWindowByToken(calls, TimeSpan.FromSeconds(1)).Values.Max();
var drain = calls.GroupBy(c => c.TokenName).Average(g => (g.Max(c => c.At) - g.Min(c => c.At)).TotalSeconds);
var sorted = latencies.Order().ToList();
string P(double q) => sorted.Count == 0 ? "-" : sorted[Math.Min(sorted.Count - 1, (int)(q * sorted.Count))].ToString("0", CultureInfo.InvariantCulture);

Console.WriteLine($"| transport | tenants x checks | budget | Graph latency | completed | wall time | checks/s | publish to completed p50 / p95 / max (ms) | worst tenant calls in any 1 s | first to last call per tenant (avg) |");
Console.WriteLine($"| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"| {options.Transport} | {options.Tenants} x {options.Checks} | {options.Rps}/s, {options.Concurrency} at once | {options.LatencyMin}-{options.LatencyMax} ms | {done}/{total} | {elapsed.TotalSeconds:0.00} s (published in {published.TotalSeconds:0.00} s) | {done / elapsed.TotalSeconds:0} | {P(0.5)} / {P(0.95)} / {P(0.999)} | {worstWindow} | {drain:0.00} s |"));
Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
Directory.Delete(directory, recursive: true);
return done == total ? 0 : 1;

static string Tenant(int i) => $"bench-{i:000}";

static string Waba(int i) => (700000000000000 + i).ToString(CultureInfo.InvariantCulture);

static Scenario BuildScenario(BenchOptions o) => new()
{
    Tokens = [.. Enumerable.Range(1, o.Tenants).Select(i => new ScenarioToken { Name = Tenant(i), Token = $"bench-token-{i}", WabaIds = [Waba(i)] })],
    Wabas = [.. Enumerable.Range(1, o.Tenants).Select(i => new ScenarioWaba { Id = Waba(i), BusinessId = "506914307656634", AppId = "634974688087057" })],
    Latency = new LatencySettings { MinMs = o.LatencyMin, MaxMs = o.LatencyMax },
};

static Dictionary<string, string?> Settings(BenchOptions o, Scenario scenario, Uri graph, string directory) =>
    ScenarioService.Settings(scenario, graph, Path.Combine(directory, "bench.db"), new Dictionary<string, string?>
    {
        ["Bus:Transport"] = o.Transport,
        ["Bus:RabbitMqUri"] = o.RabbitMq,
        ["Bus:QueueName"] = "bench-health-check-requested",
        ["Tenants:Defaults:RequestsPerSecond"] = o.Rps.ToString(CultureInfo.InvariantCulture),
        ["Tenants:Defaults:MaxConcurrency"] = o.Concurrency.ToString(CultureInfo.InvariantCulture),
    });

internal sealed record BenchOptions(string Transport, string RabbitMq, int Tenants, int Checks, int Rps, int Concurrency, int LatencyMin, int LatencyMax)
{
    public static BenchOptions Parse(string[] args)
    {
        string Arg(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }

        int Int(string name, int fallback) => int.Parse(Arg(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        var latency = Arg("--latency-ms", "5-25").Split('-');
        return new BenchOptions(
            Arg("--transport", "RabbitMq"),
            Arg("--rabbitmq", "amqp://guest:guest@localhost:5672/"),
            Int("--tenants", 20),
            Int("--checks", 15),
            Int("--rps", 5),
            Int("--concurrency", 2),
            int.Parse(latency[0], CultureInfo.InvariantCulture),
            int.Parse(latency[^1], CultureInfo.InvariantCulture));
    }
}
