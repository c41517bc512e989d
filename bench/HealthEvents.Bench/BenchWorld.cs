using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using HealthEvents.Contracts;
using HealthEvents.Core.Bus;
using HealthEvents.Demo;
using HealthEvents.GraphSimulator;
using HealthEvents.GraphSimulator.Scenarios;
using MassTransit;

namespace HealthEvents.Bench;

/// <summary>
/// One benchmark run's world: a virtual host of its own on the broker, the Graph simulator (whose
/// call log is the measure of every budget), a client bus that publishes checks and listens to
/// outcomes, and service instances, each a separate process running the production binary
/// (<c>src/HealthEvents.Service</c>: its composition, start-up validation, appsettings.json and log
/// level, configured through environment variables as a deployment would), so it can be killed and
/// its memory read.
/// </summary>
internal sealed class BenchWorld : IAsyncDisposable
{
    private readonly List<Instance> _instances = [];
    private readonly string _vhostName;
    private readonly string _directory;
    private IBusControl? _client;

    private BenchWorld(Uri vhost, string vhostName, GraphSimulatorHost simulator, Scenario scenario, string directory)
    {
        (Vhost, _vhostName, Simulator, Scenario, _directory) = (vhost, vhostName, simulator, scenario, directory);
    }

    public Uri Vhost { get; }

    public GraphSimulatorHost Simulator { get; }

    public Scenario Scenario { get; }

    public Latencies Latencies { get; } = new();

    /// <summary>Outcomes seen, with the address of the bus that published each (it names the instance).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<(long At, string Source)> Answers { get; } = new();

    public IBus Client => _client ?? throw new InvalidOperationException("Listen first.");

    public IReadOnlyList<Instance> Instances => _instances;

    public static async Task<BenchWorld> CreateAsync(Uri broker, Scenario scenario)
    {
        var name = "he-bench-" + Guid.NewGuid().ToString("N")[..8];
        await RabbitMqCtl("add_vhost", name);
        await RabbitMqCtl("set_permissions", "-p", name, broker.UserInfo.Split(':')[0] is { Length: > 0 } user ? Uri.UnescapeDataString(user) : "guest", ".*", ".*", ".*");
        var simulator = await GraphSimulatorHost.StartAsync(scenario);
        var directory = Directory.CreateTempSubdirectory("healthevents-bench-").FullName;
        return new BenchWorld(new UriBuilder(broker) { Path = "/" + name }.Uri, name, simulator, scenario, directory);
    }

    /// <summary>The client bus: publishes checks, and a queue of its own bound to both outcome types.</summary>
    public async Task ListenAsync()
    {
        _client = MassTransit.Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(Vhost, _ => { });
            cfg.ReceiveEndpoint("bench-outcomes", e =>
            {
                e.PrefetchCount = 1000;
                e.ConcurrentMessageLimit = 100;
                e.Handler<HealthCheckCompleted>(c => Answer(c));
                e.Handler<HealthCheckRejected>(c => Answer(c));
            });
        });
        await _client.StartAsync();
    }

    private Task Answer<T>(ConsumeContext<T> context)
        where T : class
    {
        Latencies.Answered(context.InitiatorId, rejected: context.Message is HealthCheckRejected);
        Answers.Enqueue((Stopwatch.GetTimestamp(), context.SourceAddress?.AbsolutePath ?? "?"));
        return Task.CompletedTask;
    }

    /// <summary>Publishes the checks concurrently (a sequential publisher awaiting each confirm would be what gets measured).</summary>
    public async Task PublishAsync(IEnumerable<HealthCheckRequested> checks, int inFlight = 200)
    {
        foreach (var chunk in checks.Chunk(inFlight))
        {
            await Task.WhenAll(chunk.Select(check =>
            {
                var id = NewId.NextGuid();
                Latencies.Sent(id);
                return Client.Publish(check, c => c.MessageId = id);
            }));
        }
    }

    public async Task<bool> WaitForAsync(int count, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (Latencies.Done < count && clock.Elapsed < timeout)
        {
            await Task.Delay(20);
        }

        return Latencies.Done >= count;
    }

    /// <summary>
    /// The service settings for this world: the scenario's tenants, the broker, a shared SQLite file.
    /// The log level is production's (appsettings.json: every check at Information), not the
    /// scenario default's Warning.
    /// </summary>
    public Dictionary<string, string?> ServiceSettings(IDictionary<string, string?>? overrides = null)
    {
        var settings = ScenarioService.Settings(Scenario, Simulator.BaseAddress, Path.Combine(_directory, "store.db"), new Dictionary<string, string?>
        {
            ["Bus:Transport"] = "RabbitMq",
            ["Bus:RabbitMqUri"] = Vhost.ToString(),
        }.Concat(overrides ?? new Dictionary<string, string?>()).GroupBy(p => p.Key).Select(g => g.Last()));
        settings.Remove("Serilog:MinimumLevel:Default");
        return settings;
    }

    /// <summary>Starts a service instance (the production binary, its settings in a file named by HEALTHEVENTS_SETTINGS_FILE) and waits until its bus is up.</summary>
    public async Task<Instance> StartInstanceAsync(IDictionary<string, string?> settings)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _directory };
        start.ArgumentList.Add(ServiceBinary);
        // A settings file, as a deployment with many tenants mounts one: 100,000 WABAs' worth of
        // environment variables is more than the kernel passes to a new process (E2BIG).
        var file = Path.Combine(_directory, $"settings-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, System.Text.Json.JsonSerializer.Serialize(settings));
        start.Environment[HealthEvents.Core.Hosting.SettingsFile.Variable] = file;

        var instance = new Instance(Process.Start(start)!);
        _instances.Add(instance);
        var clock = Stopwatch.StartNew();
        while (!instance.Started && !instance.Process.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(50);
        }

        return instance.Started ? instance : throw new InvalidOperationException("The service instance did not start: " + instance.Output);
    }

    /// <summary>Where the production binary was built (the bench project builds it first, in the same configuration).</summary>
    private static string ServiceBinary { get; } =
        System.Reflection.CustomAttributeExtensions.GetCustomAttributes<System.Reflection.AssemblyMetadataAttribute>(typeof(BenchWorld).Assembly).Single(a => a.Key == "ServiceBinary").Value
        ?? throw new InvalidOperationException("The bench assembly does not say where the service binary is.");

    /// <summary>The folder this world's files (stores) live in.</summary>
    public string DataDirectory => _directory;

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            instance.Dispose();
        }

        if (_client is not null)
        {
            await _client.StopAsync();
        }

        await Simulator.DisposeAsync();
        await RabbitMqCtl("delete_vhost", _vhostName);
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task RabbitMqCtl(params string[] args)
    {
        var start = new ProcessStartInfo("rabbitmqctl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"rabbitmqctl {string.Join(' ', args)} failed: {await process.StandardError.ReadToEndAsync()}");
        }
    }

    /// <summary>A service process: its output (last lines), whether it is up, and its peak resident memory.</summary>
    internal sealed class Instance : IDisposable
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();

        public Instance(Process process)
        {
            Process = process;
            process.OutputDataReceived += Keep;
            process.ErrorDataReceived += Keep;
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public bool Started { get; private set; }

        /// <summary>When this instance said it became the work queue's active consumer (a Stopwatch timestamp), if it did.</summary>
        public long? ActiveAt { get; private set; }

        public string Output => string.Join(Environment.NewLine, _output);

        /// <summary>The kernel's high-water mark of the process's resident set (VmHWM), in bytes.</summary>
        public long PeakRssBytes
        {
            get
            {
                try
                {
                    var line = File.ReadLines($"/proc/{Process.Id}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
                    return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
                }
                catch (IOException)
                {
                    return 0;
                }
            }
        }

        public void Kill()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit();
            }
        }

        public void Dispose()
        {
            Kill();
            Process.Dispose();
        }

        private void Keep(object? sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }

            if (e.Data.Contains("HealthEvents started", StringComparison.Ordinal))
            {
                Started = true;
            }

            if (ActiveAt is null && e.Data.Contains("is now the active consumer of", StringComparison.Ordinal))
            {
                ActiveAt = Stopwatch.GetTimestamp();
            }

            _output.Enqueue(e.Data);
            while (_output.Count > 100 && _output.TryDequeue(out _))
            {
            }
        }
    }
}
