using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using HealthEvents.Contracts;
using HealthEvents.Demo;
using HealthEvents.GraphSimulator;
using HealthEvents.GraphSimulator.Scenarios;
using HealthEvents.GraphSimulator.Simulation;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

/// <summary>
/// The budget issue's two targets, each one command on real RabbitMQ (or in-memory):
/// <c>--scenario flood</c>: quiet tenants at 1 check/s each, first alone, then with one tenant's
/// flood of distinct checks published at once; prints the quiet tenants' publish→completed
/// percentiles in both phases and the ratio.
/// <c>--scenario coalescing</c>: N requests spread over M nodes of one tenant, all at once; prints
/// the Graph calls made. Both print the worst calls in any 1 s per tenant (budget violations).
/// </summary>
internal static class FairnessBench
{
    private static string Tenant(int i) => $"bench-{i:000}";

    private static string Waba(long i) => (700000000000000 + i).ToString(CultureInfo.InvariantCulture);

    public static async Task<int> RunAsync(string scenarioName, Func<string, string, string> arg)
    {
        var transport = arg("--transport", "RabbitMq");
        var rabbit = arg("--rabbitmq", "amqp://guest:guest@localhost:5672/");
        int Int(string name, int fallback) => int.Parse(arg(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        var flood = Int("--flood", 20_000);
        var quiet = Int("--quiet", 50);
        var seconds = Int("--seconds", 20);
        var requests = Int("--requests", 10_000);
        var nodes = Int("--nodes", 100);

        // Tenant 0 floods (or is coalesced) over its own WABAs; tenants 1..quiet have one WABA each.
        var floodWabas = scenarioName == "flood" ? flood : nodes;
        var scenario = new Scenario
        {
            Tokens =
            [
                new ScenarioToken { Name = Tenant(0), Token = "bench-token-0", WabaIds = [.. Enumerable.Range(1, floodWabas).Select(i => Waba(1_000_000 + i))] },
                .. Enumerable.Range(1, quiet).Select(i => new ScenarioToken { Name = Tenant(i), Token = $"bench-token-{i}", WabaIds = [Waba(i)] }),
            ],
            Wabas =
            [
                .. Enumerable.Range(1, floodWabas).Select(i => new ScenarioWaba { Id = Waba(1_000_000 + i), BusinessId = "506914307656634", AppId = "634974688087057" }),
                .. Enumerable.Range(1, quiet).Select(i => new ScenarioWaba { Id = Waba(i), BusinessId = "506914307656634", AppId = "634974688087057" }),
            ],
            Latency = new LatencySettings { MinMs = 5, MaxMs = 25 },
        };
        await using var simulator = await GraphSimulatorHost.StartAsync(scenario);
        var directory = Directory.CreateTempSubdirectory("healthevents-bench-").FullName;
        var settings = ScenarioService.Settings(scenario, simulator.BaseAddress, Path.Combine(directory, "bench.db"), new Dictionary<string, string?>
        {
            ["Bus:Transport"] = transport,
            ["Bus:RabbitMqUri"] = rabbit,
            ["Bus:QueueName"] = "bench-fairness-" + Guid.NewGuid().ToString("N")[..8],
            ["Budget:MaxParkTime"] = "01:49:00",
        });
        using var host = ScenarioService.CreateBuilder(settings).Build();
        await host.StartAsync();
        var bus = host.Services.GetRequiredService<IBus>();
        var sentAt = new ConcurrentDictionary<Guid, long>();
        var latencies = new ConcurrentDictionary<Guid, double>();
        var completed = 0;
        var observer = bus.ConnectReceiveEndpoint(new TemporaryEndpointDefinition(), KebabCaseEndpointNameFormatter.Instance, e =>
        {
            e.Handler<HealthCheckCompleted>(c =>
            {
                if (c.InitiatorId is { } id && sentAt.TryGetValue(id, out var start))
                {
                    latencies[id] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                }

                Interlocked.Increment(ref completed);
                return Task.CompletedTask;
            });
        });
        await observer.Ready;

        Task Publish(HealthCheckRequested request)
        {
            var id = NewId.NextGuid();
            sentAt[id] = Stopwatch.GetTimestamp();
            return bus.Publish(request, c => c.MessageId = id);
        }

        try
        {
            if (scenarioName == "coalescing")
            {
                var clock = Stopwatch.StartNew();
                var batch = Enumerable.Range(0, requests).Select(i => new HealthCheckRequested { CustSpaceId = Tenant(0), NodeType = NodeTypes.Waba, WabaId = Waba(1_000_000 + 1 + (i % nodes)) });
                foreach (var chunk in batch.Chunk(200))
                {
                    await Task.WhenAll(chunk.Select(Publish));
                }

                while (Volatile.Read(ref completed) < requests && clock.Elapsed < TimeSpan.FromMinutes(10))
                {
                    await Task.Delay(50);
                }

                Console.WriteLine($"| coalescing | {transport} | {requests} requests over {nodes} nodes | completed {completed} in {clock.Elapsed.TotalSeconds:0.0} s | Graph calls {simulator.State.Calls.Count} | worst tenant calls in any 1 s {Worst(simulator)} |");
                return completed == requests && simulator.State.Calls.Count <= nodes + 1 ? 0 : 1;
            }

            // Phase 1: quiet tenants alone. Phase 2: the flood lands at once, then the same quiet load.
            var alone = await QuietPhaseAsync(quiet, seconds, Publish, latencies, sentAt);
            var floodClock = Stopwatch.StartNew();
            foreach (var chunk in Enumerable.Range(1, flood).Chunk(500))
            {
                await Task.WhenAll(chunk.Select(i => Publish(new HealthCheckRequested { CustSpaceId = Tenant(0), NodeType = NodeTypes.Waba, WabaId = Waba(1_000_000 + i) })));
            }

            var published = floodClock.Elapsed;
            var withFlood = await QuietPhaseAsync(quiet, seconds, Publish, latencies, sentAt);
            var floodDone = latencies.Count - alone.Count - withFlood.Count;
            Console.WriteLine($"| flood | {transport} | {flood} flood checks (published in {published.TotalSeconds:0.0} s), {quiet} quiet tenants x 1/s for {seconds} s per phase | quiet alone p50/p99 {P(alone, 0.5):0} / {P(alone, 0.99):0} ms | with flood p50/p99 {P(withFlood, 0.5):0} / {P(withFlood, 0.99):0} ms | p99 ratio {P(withFlood, 0.99) / P(alone, 0.99):0.00} | flood checks done meanwhile {floodDone} | worst tenant calls in any 1 s {Worst(simulator)} |");
            return 0;
        }
        finally
        {
            await host.StopAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Each quiet tenant checks its WABA once a second; returns the phase's publish→completed latencies.</summary>
    private static async Task<List<double>> QuietPhaseAsync(int quiet, int seconds, Func<HealthCheckRequested, Task> publish,
        ConcurrentDictionary<Guid, double> latencies, ConcurrentDictionary<Guid, long> sentAt)
    {
        var before = sentAt.Keys.ToHashSet();
        for (var s = 0; s < seconds; s++)
        {
            var tick = Task.Delay(1000);
            await Task.WhenAll(Enumerable.Range(1, quiet).Select(t => publish(new HealthCheckRequested { CustSpaceId = Tenant(t), NodeType = NodeTypes.Waba, WabaId = Waba(t) })));
            await tick;
        }

        var mine = sentAt.Keys.Where(id => !before.Contains(id)).ToList();
        var deadline = Stopwatch.StartNew();
        while (mine.Any(id => !latencies.ContainsKey(id)) && deadline.Elapsed < TimeSpan.FromMinutes(5))
        {
            await Task.Delay(50);
        }

        return [.. mine.Where(latencies.ContainsKey).Select(id => latencies[id]).Order()];
    }

    private static double P(List<double> sorted, double q) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(q * sorted.Count))];

    private static int Worst(GraphSimulatorHost simulator) =>
        CallWindows.MostInAnyWindowByToken(simulator.State.Calls, TimeSpan.FromSeconds(1)).Values.DefaultIfEmpty(0).Max();
}
