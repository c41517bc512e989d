using System.Collections.Concurrent;
using HealthEvents.Contracts;
using HealthEvents.Demo;
using HealthEvents.GraphSimulator;
using HealthEvents.GraphSimulator.Scenarios;
using HealthEvents.GraphSimulator.Simulation;
using HealthEvents.IntegrationTests.Support;
using MassTransit;

namespace HealthEvents.IntegrationTests.Service;

/// <summary>
/// Several service processes on one broker: every one reads the entry queue and moves checks into
/// the work queue, whose single active consumer runs them all, so the budgets are held by one
/// process at a time; another process takes over when that one dies, without going over a budget
/// across the hand-over.
/// </summary>
public class ScaleOutTests
{
    private const int Tenants = 4;
    private const int PhonesEach = 15;

    [Fact]
    public async Task Two_instances_one_runs_every_check_within_the_budgets_and_both_read_the_entry_queue()
    {
        await using var run = await Run.StartAsync("scale-out");
        using var first = run.StartInstance();
        using var second = run.StartInstance();
        await Eventually.TrueAsync(() => new[] { first, second }.All(i => i.Output.Contains("HealthEvents started", StringComparison.Ordinal) || i.HasExited),
            TimeSpan.FromSeconds(90), "both instances to start");
        var ids = await run.SendAllAsync();

        await run.WaitForOutcomesAsync(ids, first, second);

        Assert.Equal(2, await run.ConsumersAsync("health-check-requested"));
        Assert.Single(run.Listener.AllInstances);
        Assert.All(run.WorstCallsInAnySecond(), worst => Assert.True(worst.Value <= 5, $"{worst.Key} made {worst.Value} calls in one second"));
    }

    [Fact]
    public async Task When_the_active_instance_dies_a_standby_takes_over_the_work_queue_without_breaking_a_budget()
    {
        await using var run = await Run.StartAsync("fail-over");
        // A third of the backlog first; the rest only once the standby has subscribed, so however long
        // the standby takes to start on a busy machine the active instance still has work (at 5 calls/s
        // per tenant, two seconds of it) when it is killed.
        var ids = await run.SendAllAsync(1, PhonesEach / 3);
        using (var active = run.StartInstance())
        {
            await Eventually.TrueAsync(() => run.Listener.OutcomeCount >= ids.Count / 2 || active.HasExited, TimeSpan.FromSeconds(60), "the first instance to make progress");
            Assert.False(active.HasExited, "the service exited by itself: " + active.Output);
            using var standby = run.StartInstance();
            await Eventually.TrueAsync(() => standby.Output.Contains("HealthEvents started", StringComparison.Ordinal) || standby.HasExited, TimeSpan.FromSeconds(90), "the standby to subscribe");
            Assert.False(standby.HasExited, "the standby exited by itself: " + standby.Output);
            ids.AddRange(await run.SendAllAsync(PhonesEach / 3 + 1, PhonesEach));
            active.Kill();
            Assert.True(run.Listener.OutcomeCount < ids.Count, "the kill came too late to interrupt anything");

            await run.WaitForOutcomesAsync(ids, standby);
        }

        Assert.Equal(2, run.Listener.AllInstances.Count);
        Assert.All(run.WorstCallsInAnySecond(), worst => Assert.True(worst.Value <= 5, $"{worst.Key} made {worst.Value} calls in one second across the fail-over"));
    }

    [Fact]
    public async Task When_the_active_instance_is_stopped_the_standby_takes_over_without_breaking_a_budget_and_every_check_is_answered_once()
    {
        // Meta slow enough that the active instance still has checks mid-call, and more waiting for
        // their turn, when it is told to stop: as in a rolling deploy.
        await using var run = await Run.StartAsync("hand-over", latency: new LatencySettings { MinMs = 300, MaxMs = 900 });
        var ids = await run.SendAllAsync(1, PhonesEach / 3);
        using var active = run.StartInstance();
        await Eventually.TrueAsync(() => run.Listener.OutcomeCount >= Tenants || active.HasExited, TimeSpan.FromSeconds(60), "the first instance to make progress");
        Assert.False(active.HasExited, "the service exited by itself: " + active.Output);
        using var standby = run.StartInstance();
        await Eventually.TrueAsync(() => standby.Output.Contains("HealthEvents started", StringComparison.Ordinal) || standby.HasExited, TimeSpan.FromSeconds(90), "the standby to subscribe");
        Assert.False(standby.HasExited, "the standby exited by itself: " + standby.Output);
        ids.AddRange(await run.SendAllAsync(PhonesEach / 3 + 1, PhonesEach));

        await active.TerminateAsync();
        Assert.Equal(0, await active.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.True(run.Listener.OutcomeCount < ids.Count, "the stop came too late to interrupt anything");

        await run.WaitForOutcomesAsync(ids, active, standby);
        Assert.Equal(2, run.Listener.AllInstances.Count);
        Assert.All(run.Listener.AnswersPerCheck, answers => Assert.True(answers.Value == 1, $"check {answers.Key} was answered {answers.Value} times"));
        Assert.All(run.WorstCallsInAnySecond(), worst => Assert.True(worst.Value <= 5, $"{worst.Key} made {worst.Value} calls in one second across the hand-over"));
    }

    /// <summary>A broker virtual host, a Graph simulator, a shared store and a listener that records which instance answered.</summary>
    private sealed class Run : IAsyncDisposable
    {
        private readonly BrokerVirtualHost _vhost;
        private readonly GraphSimulatorHost _simulator;
        private readonly IBusControl _listenerBus;
        private readonly string _directory;
        private readonly Dictionary<string, string?> _settings;

        private Run(BrokerVirtualHost vhost, GraphSimulatorHost simulator, IBusControl listenerBus, Listener listener, string directory, Dictionary<string, string?> settings)
        {
            (_vhost, _simulator, _listenerBus, Listener, _directory, _settings) = (vhost, simulator, listenerBus, listener, directory, settings);
        }

        public Listener Listener { get; }

        public static async Task<Run> StartAsync(string name, IReadOnlyDictionary<string, string?>? extra = null, LatencySettings? latency = null)
        {
            var vhost = await RabbitBroker.CreateVirtualHostAsync();
            var scenario = ManyTenants.Create(Tenants, PhonesEach);
            scenario.Latency = latency ?? new LatencySettings { MinMs = 20, MaxMs = 60 };
            var simulator = await GraphSimulatorHost.StartAsync(scenario);
            var directory = Directory.CreateTempSubdirectory($"healthevents-{name}-").FullName;
            var listener = new Listener();
            var bus = MassTransit.Bus.Factory.CreateUsingRabbitMq(cfg =>
            {
                cfg.Host(vhost.Address, _ => { });
                cfg.ReceiveEndpoint($"{name}-listener", e =>
                {
                    e.Handler<HealthCheckCompleted>(c => listener.Outcome(c.InitiatorId, c.Message.CustSpaceId, c.Host));
                    e.Handler<HealthCheckRejected>(c => listener.Outcome(c.InitiatorId, c.Message.Request.CustSpaceId ?? "?", c.Host));
                });
            });
            await bus.StartAsync(TestContext.Current.CancellationToken);
            var settings = ScenarioService.Settings(scenario, simulator.BaseAddress, Path.Combine(directory, "store.db"), new Dictionary<string, string?>
            {
                ["Bus:Transport"] = "RabbitMq",
                ["Bus:RabbitMqUri"] = vhost.Address.ToString(),
                // The start-up report says when an instance's bus is up.
                ["Serilog:MinimumLevel:Override:HealthEvents.Core.Hosting.StartupReport"] = "Information",
            }.Concat(extra ?? new Dictionary<string, string?>()));
            return new Run(vhost, simulator, bus, listener, directory, new Dictionary<string, string?>(settings));
        }

        public ServiceProcess StartInstance() => ServiceProcess.Start(_settings, _directory);

        public async Task<long> ConsumersAsync(string queue)
        {
            await using var broker = await BrokerProbe.ConnectAsync(_vhost.Address);
            return await broker.ConsumerCountAsync(queue);
        }

        /// <summary>Checks of phones <paramref name="first"/>..<paramref name="last"/> of every tenant, tenants interleaved.</summary>
        public async Task<List<Guid>> SendAllAsync(int first = 1, int last = PhonesEach)
        {
            var endpoint = await _listenerBus.GetSendEndpoint(new Uri("queue:health-check-requested"));
            var ids = new List<Guid>();
            for (var p = first; p <= last; p++)
            {
                for (var t = 1; t <= Tenants; t++)
                {
                    var id = NewId.NextGuid();
                    ids.Add(id);
                    await endpoint.Send(ManyTenants.PhoneCheck(t, p), c => c.MessageId = id, TestContext.Current.CancellationToken);
                }
            }

            return ids;
        }

        public async Task WaitForOutcomesAsync(List<Guid> ids, params ServiceProcess[] instances)
        {
            try
            {
                await Eventually.TrueAsync(() => ids.All(Listener.HasOutcome), TimeSpan.FromSeconds(120), "every check to have an outcome");
            }
            catch (TimeoutException ex)
            {
                throw new TimeoutException(ex.Message + Environment.NewLine + string.Join(Environment.NewLine, instances.Select(i => i.Output)), ex);
            }
        }

        public IReadOnlyDictionary<string, int> WorstCallsInAnySecond() =>
            CallWindows.MostInAnyWindowByToken(_simulator.State.Calls, TimeSpan.FromSeconds(1));

        public async ValueTask DisposeAsync()
        {
            await _listenerBus.StopAsync(CancellationToken.None);
            await _simulator.DisposeAsync();
            await _vhost.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
        }
    }

    private sealed class Listener
    {
        private readonly ConcurrentDictionary<Guid, int> _outcomes = new();
        private readonly ConcurrentDictionary<(string Tenant, string Instance), bool> _answeredBy = new();

        public int OutcomeCount => _outcomes.Count;

        /// <summary>The process that published an outcome (MassTransit's host header) tells the instances apart.</summary>
        public IReadOnlyCollection<string> AllInstances => [.. _answeredBy.Keys.Select(k => k.Instance).Distinct()];

        public Task Outcome(Guid? initiator, string tenant, HostInfo? host)
        {
            if (initiator is { } id)
            {
                _outcomes.AddOrUpdate(id, 1, (_, answers) => answers + 1);
            }

            _answeredBy[(tenant, host is null ? "?" : $"{host.MachineName}/{host.ProcessId}")] = true;
            return Task.CompletedTask;
        }

        public bool HasOutcome(Guid id) => _outcomes.ContainsKey(id);

        public IReadOnlyDictionary<Guid, int> AnswersPerCheck => _outcomes;

        public IReadOnlyCollection<string> InstancesThatAnswered(string tenant) => [.. _answeredBy.Keys.Where(k => k.Tenant == tenant).Select(k => k.Instance)];
    }
}
