using HealthEvents.Bench;

// The benchmark suite: real RabbitMQ, the Graph simulator, and the production service binary
// (src/HealthEvents.Service) in separate processes, configured through environment variables.
// One command per scenario (results and the machine in docs/benchmarks.md):
//
//   dotnet run -c Release --project bench/HealthEvents.Bench -- unconstrained [--tenants 1000] [--checks 20] [--warm-up 5] [--latency-ms 0-0]
//   dotnet run -c Release --project bench/HealthEvents.Bench -- rate-bound [--instances 1] [--tenants 200] [--checks 50]
//   dotnet run -c Release --project bench/HealthEvents.Bench -- fail-over [--instances 2]
//   dotnet run -c Release --project bench/HealthEvents.Bench -- memory [--tenants 1000] [--checks 100] [--seconds 60]
//   dotnet run -c Release --project bench/HealthEvents.Bench -- flood [--flood 20000] [--quiet 50] [--seconds 10]
//   dotnet run -c Release --project bench/HealthEvents.Bench -- coalescing [--requests 10000] [--nodes 100]
//   (every scenario: [--rabbitmq amqp://guest:guest@localhost:5672/]; each run makes and deletes a virtual host of its own)
var bench = new BenchArgs(args);
switch (args.FirstOrDefault())
{
    case "unconstrained":
        return await Scenarios.UnconstrainedAsync(bench);
    case "rate-bound":
        return await Scenarios.RateBoundAsync(bench, bench.Int("--instances", 1), failOver: false);
    case "fail-over":
        return await Scenarios.RateBoundAsync(bench, bench.Int("--instances", 2), failOver: true);
    case "memory":
        return await Scenarios.MemoryAsync(bench);
    case "flood":
        return await Scenarios.FloodAsync(bench);
    case "coalescing":
        return await Scenarios.CoalescingAsync(bench);
    default:
        Console.Error.WriteLine("usage: HealthEvents.Bench unconstrained|rate-bound|fail-over|memory|flood|coalescing [options] (see Program.cs)");
        return 2;
}
