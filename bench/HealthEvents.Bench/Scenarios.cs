using System.Diagnostics;
using System.Globalization;
using HealthEvents.Contracts;
using MassTransit;

namespace HealthEvents.Bench;

/// <summary>
/// The benchmark scenarios, one command each (see <c>docs/benchmarks.md</c>). Every one prints rows of
/// <see cref="Row"/>: throughput, publish→outcome percentiles, Graph calls, budget violations per
/// second and per hour (from the simulator's call log) and the service's peak RSS.
/// </summary>
internal static class Scenarios
{
    private const int Rps = 5;
    private const int HourlyDefault = 5_000;

    /// <summary>Floors and the service with limits that never bind, 1,000 tenants, instant Graph.</summary>
    public static async Task<int> UnconstrainedAsync(BenchArgs args)
    {
        var tenants = args.Int("--tenants", 1_000);
        var each = args.Int("--checks", 20);
        var warmUp = args.Int("--warm-up", 5);
        var total = tenants * each;
        await using var world = await BenchWorld.CreateAsync(args.Broker, BenchTenants.Create(tenants, each + warmUp, args.Latency("0-0")));
        // Everything measured is warm: each floor runs once unmeasured, and the service answers
        // --warm-up checks per tenant (nodes of their own) before the measured backlog, so the
        // figures are the steady state, not the JIT's first minute.
        await Floors.RawClientAsync(world.Vhost, tenants * warmUp);
        var raw = await Floors.RawClientAsync(world.Vhost, total);
        await Floors.BareMassTransitAsync(world.Vhost, tenants * warmUp);
        var bareCpuBefore = CpuReading.Take([]);
        var bare = await Floors.BareMassTransitAsync(world.Vhost, total);
        var bareCpu = CpuReading.PerFloorMessage(bareCpuBefore, CpuReading.Take([]), total);
        await world.ListenAsync();
        // The same-work floor on the nodes the service will check, in its own store: warm, then measured.
        var tokens = world.Scenario.Tokens.ToDictionary(t => t.Name, t => t.Token);
        await SameWorkFloor.RunAsync(world.Vhost, world.Simulator.BaseAddress, tokens, [.. BenchTenants.Backlog(tenants, each, warmUp)], world.DataDirectory);
        var sameWork = await SameWorkFloor.RunAsync(world.Vhost, world.Simulator.BaseAddress, tokens, [.. BenchTenants.Backlog(tenants, 0, each)], world.DataDirectory);
        world.Simulator.State.ClearCalls();
        var instance = await world.StartInstanceAsync(world.ServiceSettings(Unbounded()));
        await world.PublishAsync(BenchTenants.Backlog(tenants, each, warmUp));
        await world.WaitForAsync(tenants * warmUp, TimeSpan.FromMinutes(5));
        world.Latencies.Reset();
        var cpuBefore = CpuReading.Take(world.Instances);
        await world.PublishAsync(BenchTenants.Backlog(tenants, 0, each));
        var answered = await world.WaitForAsync(total, TimeSpan.FromMinutes(10));
        var cpuAfter = CpuReading.Take(world.Instances);
        var ok = answered && world.Latencies.Completed == total;
        var service = world.Latencies.Completed / world.Latencies.Span.TotalSeconds;
        Console.WriteLine(Row.Header);
        Console.WriteLine(Row.Of("unconstrained", $"{tenants} tenants x {each}, limits not binding, Graph {args.Text("--latency-ms", "0-0")} ms, published",
            total, world.Latencies.Span, world.Latencies, world.Simulator.State.Calls, int.MaxValue, int.MaxValue, instance.PeakRssBytes));
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"floors, same run, {total} messages: raw RabbitMQ.Client {raw:0} msg/s, bare MassTransit {bare:0} msg/s, same-work consumer {sameWork:0} checks/s; service {service:0} checks/s = {service / sameWork:P0} of the same-work consumer, {service / bare:P0} of bare MassTransit, {service / raw:P0} of raw"));
        ReportIncomplete(world, total, ok);

        Console.WriteLine(CpuReading.PerCheck(cpuBefore, cpuAfter, world.Latencies.Done));
        Console.WriteLine("bare MassTransit's " + bareCpu);
        return ok ? 0 : 1;
    }

    /// <summary>200 tenants x 5/s with backlogs (1,000 checks/s possible), on 1..N instances, optionally killing one mid-run.</summary>
    public static async Task<int> RateBoundAsync(BenchArgs args, int instances, bool failOver)
    {
        var tenants = args.Int("--tenants", 200);
        var each = args.Int("--checks", 50);
        var total = tenants * each;
        await using var world = await BenchWorld.CreateAsync(args.Broker, BenchTenants.Create(tenants, each + 1, args.Latency("5-25")));
        await world.ListenAsync();
        var settings = world.ServiceSettings(new Dictionary<string, string?>
        {
            ["Tenants:Defaults:MaxConcurrency"] = args.Text("--concurrency", "2"),
        });
        // What this machine can do with a check's work and no budget, on the same backlog and the same
        // Meta latency (warm, then measured, then its calls forgotten): when it is under the budgets'
        // 1,000/s, it and not the budget is the possible rate here.
        var tokens = world.Scenario.Tokens.ToDictionary(t => t.Name, t => t.Token);
        await SameWorkFloor.RunAsync(world.Vhost, world.Simulator.BaseAddress, tokens, [.. BenchTenants.Backlog(tenants, each, 1)], world.DataDirectory);
        var sameWork = await SameWorkFloor.RunAsync(world.Vhost, world.Simulator.BaseAddress, tokens, [.. BenchTenants.Backlog(tenants, 0, each)], world.DataDirectory);
        world.Simulator.State.ClearCalls();
        for (var i = 0; i < instances; i++)
        {
            await world.StartInstanceAsync(settings);
        }

        // Warm-up: one check per tenant, so the active instance is past its takeover hold before the measured backlog.
        await world.PublishAsync(BenchTenants.Backlog(tenants, each, 1));
        await world.WaitForAsync(tenants, TimeSpan.FromMinutes(2));
        world.Latencies.Reset();
        var warmUpCalls = world.Simulator.State.Calls.Count;
        var cpuBefore = CpuReading.Take(world.Instances);

        var publishing = world.PublishAsync(BenchTenants.Backlog(tenants, 0, each));
        string failOverNote = "";
        if (failOver)
        {
            await WaitUntil(() => world.Latencies.Done >= total / 2);
            var killedAt = Stopwatch.GetTimestamp();
            var killedAtWall = DateTimeOffset.UtcNow;
            var answersBefore = world.Answers.Count;
            world.Instances[0].Kill();
            await world.WaitForAsync(total, TimeSpan.FromMinutes(5));
            // The longest silence in outcomes after the kill: how long no check was answered.
            List<long> after = [.. world.Answers.Skip(answersBefore).Select(a => a.At).Where(at => at > killedAt).Order().Prepend(killedAt)];
            var gap = after.Zip(after.Skip(1), (a, b) => b - a).DefaultIfEmpty(0).Max() / (double)Stopwatch.Frequency;
            // Split the silence: until the survivor's first Graph call is the takeover hold, the rest is that
            // check's way to its answer. (Calls within 100 ms of the kill are the dead instance's, still on the wire.)
            var firstCall = world.Simulator.State.Calls.Where(c => c.At > killedAtWall.AddMilliseconds(100)).Select(c => (c.At - killedAtWall).TotalSeconds).DefaultIfEmpty(double.NaN).Min();
            var survivorActive = world.Instances.Skip(1).Select(i => i.ActiveAt).Where(at => at > killedAt).Select(at => (at!.Value - killedAt) / (double)Stopwatch.Frequency).DefaultIfEmpty(double.NaN).Min();
            failOverNote = string.Create(CultureInfo.InvariantCulture,
                $", instance 1 killed at half; longest silence after the kill {gap:0.00} s (survivor active at {survivorActive:0.00} s, its first Graph call at {firstCall:0.00} s)");
        }

        await publishing;
        var answered = await world.WaitForAsync(total, TimeSpan.FromMinutes(5));
        var ok = answered && world.Latencies.Completed == total;
        var cpuAfter = CpuReading.Take(world.Instances);
        var throughput = world.Latencies.Completed / world.Latencies.Span.TotalSeconds;
        var peak = world.Instances.Where(i => !i.Process.HasExited).Select(i => i.PeakRssBytes).DefaultIfEmpty(0).Max();
        Console.WriteLine(Row.Header);
        Console.WriteLine(Row.Of(failOver ? "fail-over" : "rate-bound", $"{instances} instance(s), {tenants} tenants x {each} backlog at {Rps}/s{failOverNote}",
            total, world.Latencies.Span, world.Latencies, world.Simulator.State.Calls, Rps, HourlyDefault, peak));
        var spans = world.Simulator.State.Calls.Skip(warmUpCalls).GroupBy(c => c.TokenName).Select(g => (g.Max(c => c.At) - g.Min(c => c.At)).TotalSeconds).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"throughput {throughput:0} checks/s = {throughput / (tenants * Rps):P1} of the possible {tenants * Rps}/s; a tenant's first to last call: avg {spans.Average():0.0} s, max {spans.Max():0.0} s (at exactly {Rps}/s: {(each) / (double)Rps:0.0} s)"));
        var possibleHere = Math.Min(tenants * Rps, sameWork);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"same-work consumer (no budget), same backlog and latency, same run: {sameWork:0} checks/s; service = {throughput / possibleHere:P1} of the lesser of it and the budgets' {tenants * Rps}/s"));
        Console.WriteLine(CpuReading.PerCheck(cpuBefore, cpuAfter, world.Latencies.Done));
        ReportIncomplete(world, total, ok);

        return ok ? 0 : 1;
    }

    /// <summary>Peak RSS of one instance while 100,000 checks wait in the queue and drain at the tenants' budgets.</summary>
    public static async Task<int> MemoryAsync(BenchArgs args)
    {
        var tenants = args.Int("--tenants", 1_000);
        var each = args.Int("--checks", 100);
        var seconds = args.Int("--seconds", 60);
        var total = tenants * each;
        await using var world = await BenchWorld.CreateAsync(args.Broker, BenchTenants.Create(tenants, each, args.Latency("5-25")));
        await world.ListenAsync();
        // The work queue and its binding exist before anything is published: one instance declares them, then stops.
        var settings = world.ServiceSettings();
        (await world.StartInstanceAsync(settings)).Kill();
        await world.PublishAsync(BenchTenants.Backlog(tenants, 0, each));
        var instance = await world.StartInstanceAsync(settings);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(seconds) && world.Latencies.Done < total)
        {
            await Task.Delay(500);
        }

        Console.WriteLine(Row.Header);
        Console.WriteLine(Row.Of("memory", $"{total} checks queued before start ({tenants} tenants x {each}), default budgets, observed {clock.Elapsed.TotalSeconds:0} s",
            total, clock.Elapsed, world.Latencies, world.Simulator.State.Calls, Rps, HourlyDefault, instance.PeakRssBytes));
        return 0;
    }

    /// <summary>Quiet tenants at 1 check/s, alone and then behind one tenant's flood; the service and the naive baseline.</summary>
    public static async Task<int> FloodAsync(BenchArgs args)
    {
        var flood = args.Int("--flood", 20_000);
        var quiet = args.Int("--quiet", 50);
        var seconds = args.Int("--seconds", 10);
        var failed = false;
        Console.WriteLine(Row.Header);
        foreach (var setup in args.Setups())
        {
            // Tenant 1 floods over its own WABAs; tenants 2..quiet+1 check one WABA each, once a second.
            var scenario = BenchTenants.Create(quiet + 1, 1, args.Latency("5-25"));
            scenario.Tokens[0].WabaIds = [.. Enumerable.Range(0, flood).Select(n => BenchTenants.Waba(1, n))];
            scenario.Wabas = [.. scenario.Wabas, .. Enumerable.Range(1, flood - 1).Select(n => new HealthEvents.GraphSimulator.Scenarios.ScenarioWaba { Id = BenchTenants.Waba(1, n), BusinessId = "506914307656634", AppId = "634974688087057" })];
            await using var world = await BenchWorld.CreateAsync(args.Broker, scenario);
            await using var naive = await StartAsync(setup, world);
            // Discarded: JIT, connections and the takeover hold, so "alone" is the warm baseline.
            var warmUp = await QuietPhaseAsync(world, quiet, seconds);
            var warmUpAnswered = warmUp.Count(world.Latencies.IsDone);
            world.Latencies.Reset();
            var alone = await QuietPhaseAsync(world, quiet, seconds);
            var clock = Stopwatch.StartNew();
            await world.PublishAsync(Enumerable.Range(0, flood).Select(n => BenchTenants.Check(1, n)), 500);
            var withFlood = await QuietPhaseAsync(world, quiet, seconds);
            var quietSent = alone.Count + withFlood.Count;
            var quietAnswered = alone.Concat(withFlood).Count(world.Latencies.IsDone);
            var ratio = world.Latencies.Percentile(0.99, withFlood) / world.Latencies.Percentile(0.99, alone);
            Console.WriteLine(Row.Of($"flood ({setup})",
                string.Create(CultureInfo.InvariantCulture, $"{flood} flood checks, {quiet} quiet tenants x 1/s for {seconds} s per phase after a {seconds} s warm-up ({warmUpAnswered}/{warmUp.Count} answered, discarded): quiet answered {quietAnswered}/{quietSent}; quiet p50/p99 alone {world.Latencies.Percentile(0.5, alone):0} / {world.Latencies.Percentile(0.99, alone):0} ms, with flood {world.Latencies.Percentile(0.5, withFlood):0} / {world.Latencies.Percentile(0.99, withFlood):0} ms, **p99 ratio {ratio:0.00}**"),
                flood + quietSent, clock.Elapsed, world.Latencies, world.Simulator.State.Calls, Rps, HourlyDefault, PeakOf(world)));
            if (quietAnswered < quietSent)
            {
                Console.WriteLine($"FAILED: {quietSent - quietAnswered} quiet checks unanswered after 5 minutes");
                failed = true;
            }
        }

        return failed ? 1 : 0;
    }

    /// <summary>N requests spread over M nodes of one tenant, all at once: how many Graph calls; the service and the naive baseline.</summary>
    public static async Task<int> CoalescingAsync(BenchArgs args)
    {
        var requests = args.Int("--requests", 10_000);
        var nodes = args.Int("--nodes", 100);
        var timeout = TimeSpan.FromSeconds(args.Int("--seconds", 120));
        Console.WriteLine(Row.Header);
        foreach (var setup in args.Setups())
        {
            await using var world = await BenchWorld.CreateAsync(args.Broker, BenchTenants.Create(1, nodes, args.Latency("5-25")));
            await using var naive = await StartAsync(setup, world);
            await world.PublishAsync(Enumerable.Range(0, requests).Select(i => BenchTenants.Check(1, i % nodes)));
            var complete = await world.WaitForAsync(requests, timeout);
            Console.WriteLine(Row.Of($"coalescing ({setup})", $"{requests} requests over {nodes} nodes of one tenant{(complete ? "" : $", stopped after {timeout.TotalSeconds:0} s")}",
                requests, complete ? world.Latencies.Span : timeout, world.Latencies, world.Simulator.State.Calls, Rps, HourlyDefault, PeakOf(world)));
        }

        return 0;
    }

    /// <summary>Limits far above what the run can reach: the pipeline itself is measured.</summary>
    private static Dictionary<string, string?> Unbounded() => new()
    {
        ["Tenants:Defaults:RequestsPerSecond"] = "10000",
        ["Tenants:Defaults:MaxConcurrency"] = "64",
        ["Budget:WabaCallsPerHour"] = "1000000",
    };

    /// <summary>The service (one instance) or the naive baseline, listening in <paramref name="world"/>.</summary>
    private static async Task<NaiveBaseline?> StartAsync(string setup, BenchWorld world)
    {
        if (setup == "service")
        {
            await world.ListenAsync();
            await world.StartInstanceAsync(world.ServiceSettings(new Dictionary<string, string?> { ["Budget:MaxParkTime"] = "01:49:00" }));
            return null;
        }

        await world.ListenAsync();
        var naive = new NaiveBaseline(world.Vhost, world.Simulator.BaseAddress, world.Scenario.Tokens.ToDictionary(t => t.Name, t => t.Token), world.Latencies);
        await naive.StartAsync();
        return naive;
    }

    /// <summary>A run whose checks did not all complete says so on a line of its own.</summary>
    private static void ReportIncomplete(BenchWorld world, int total, bool ok)
    {
        if (!ok)
        {
            Console.WriteLine($"FAILED: {world.Latencies.Completed} of {total} checks completed ({world.Latencies.Rejected} rejected, {world.Latencies.Unanswered} unanswered)");
        }
    }

    private static long PeakOf(BenchWorld world) => world.Instances.Select(i => i.PeakRssBytes).DefaultIfEmpty(0).Max();

    /// <summary>Each quiet tenant checks its WABA once a second; returns the phase's request ids.</summary>
    private static async Task<List<Guid>> QuietPhaseAsync(BenchWorld world, int quiet, int seconds)
    {
        var ids = new List<Guid>();
        for (var s = 0; s < seconds; s++)
        {
            var tick = Task.Delay(1000);
            await Task.WhenAll(Enumerable.Range(2, quiet).Select(t =>
            {
                var id = NewId.NextGuid();
                lock (ids)
                {
                    ids.Add(id);
                }

                world.Latencies.Sent(id);
                return world.Client.Publish(BenchTenants.Check(t, 0), c => c.MessageId = id);
            }));
            await tick;
        }

        await WaitUntil(() => ids.All(world.Latencies.IsDone), TimeSpan.FromMinutes(5));
        return ids;
    }

    private static async Task WaitUntil(Func<bool> condition, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        while (!condition() && clock.Elapsed < (timeout ?? TimeSpan.FromMinutes(5)))
        {
            await Task.Delay(20);
        }
    }
}
