using System.Collections.Concurrent;
using HealthEvents.Contracts;
using HealthEvents.Domain.HealthChecks;
using HealthEvents.GraphSimulator;
using HealthEvents.GraphSimulator.Scenarios;
using HealthEvents.IntegrationTests.Support;
using HealthEvents.Demo;
using HealthEvents.Storage.Sqlite;
using MassTransit;

namespace HealthEvents.IntegrationTests.Service;

/// <summary>
/// Kills the service process (SIGKILL) while checks are in flight, starts it again, and checks
/// that every request ended with an outcome or in the error queue, and that every stored change
/// version was published.
/// </summary>
public class CrashRecoveryTests
{
    private const int TenantCount = 3;
    // Distinct nodes, so the run lasts (requests for one node coalesce into one Graph call).
    private const int PhonesEach = 12;
    private const int RequestsPerNode = 2;

    [Fact]
    public async Task Killing_the_service_mid_run_loses_no_request_and_no_change_event()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var vhost = await RabbitBroker.CreateVirtualHostAsync();
        var scenario = ManyTenants.Create(TenantCount, PhonesEach);
        scenario.Latency = new LatencySettings { MinMs = 30, MaxMs = 80 };
        await using var simulator = await GraphSimulatorHost.StartAsync(scenario);
        var directory = Directory.CreateTempSubdirectory("healthevents-crash-").FullName;
        var database = Path.Combine(directory, "store.db");

        // A listener of its own, as a subscribing team would have, bound before anything is sent.
        var seen = new Listener();
        var listener = MassTransit.Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(vhost.Address, _ => { });
            cfg.ReceiveEndpoint("crash-test-listener", e =>
            {
                e.Handler<HealthStatusChanged>(c => seen.Add(c.Message));
                e.Handler<HealthCheckCompleted>(c => seen.Outcome(c.InitiatorId));
                e.Handler<HealthCheckRejected>(c => seen.Outcome(c.InitiatorId));
            });
        });
        await listener.StartAsync(ct);
        try
        {
            var requests = Requests().ToList();
            var sendEndpoint = await listener.GetSendEndpoint(new Uri("queue:health-check-requested"));
            var ids = new List<Guid>();
            foreach (var (request, i) in requests.Select((r, i) => (r, i)))
            {
                var id = NewId.NextGuid();
                ids.Add(id);
                await sendEndpoint.Send(request, c => c.MessageId = id, ct);
            }

            var settings = ScenarioService.Settings(scenario, simulator.BaseAddress, database, new Dictionary<string, string?>
            {
                ["Bus:Transport"] = "RabbitMq",
                ["Bus:RabbitMqUri"] = vhost.Address.ToString(),
                ["HealthChecks:OutboxSweepInterval"] = "00:00:01",
                ["HealthChecks:OutboxSweepGrace"] = "00:00:02",
            });
            using (var first = ServiceProcess.Start(settings, directory))
            {
                try
                {
                    await Eventually.TrueAsync(() => seen.OutcomeCount >= requests.Count / 4 || first.HasExited, TimeSpan.FromSeconds(60), "the first process to make progress");
                }
                catch (TimeoutException ex)
                {
                    throw new TimeoutException(ex.Message + Environment.NewLine + first.Output, ex);
                }

                Assert.False(first.HasExited, "the service exited by itself: " + first.Output);
                // Statuses change while the service is down: the restarted one must report them.
                for (var t = 1; t <= TenantCount; t++)
                {
                    simulator.State.SetHealth(ManyTenants.Phone(t, 1), new NodeHealth { CanSendMessage = "BLOCKED", Errors = [new NodeHealthError(141006, "payment", "fix payment")] });
                }

                first.Kill();
            }

            Assert.True(seen.OutcomeCount < requests.Count, "the kill came too late to interrupt anything");

            using var second = ServiceProcess.Start(settings, directory);
            await using var broker = await BrokerProbe.ConnectAsync(vhost.Address);
            try
            {
                await Eventually.ReturnsAsync(
                    async () => ids.Count(id => !seen.HasOutcome(id)) - Math.Max(0, await broker.MessageCountAsync("health-check-requested_error")),
                    missing => missing <= 0, TimeSpan.FromSeconds(120), "every request to have an outcome or be in the error queue");
            }
            catch (TimeoutException ex)
            {
                var missing = string.Join(", ", ids.Select((id, i) => (id, i)).Where(x => !seen.HasOutcome(x.id)).Select(x => $"#{x.i} {x.id}"));
                throw new TimeoutException($"{ex.Message}; missing {missing}; queued {await broker.MessageCountAsync("health-check-requested")}{Environment.NewLine}{second.Output}", ex);
            }

            // Requests asked before the kill may be answered by snapshots taken before it; ones asked
            // now must see what changed while the service was down.
            var afterRestart = new List<Guid>();
            for (var t = 1; t <= TenantCount; t++)
            {
                var id = NewId.NextGuid();
                afterRestart.Add(id);
                await sendEndpoint.Send(ManyTenants.PhoneCheck(t, 1), c => c.MessageId = id, ct);
            }

            await Eventually.TrueAsync(() => afterRestart.All(seen.HasOutcome), TimeSpan.FromSeconds(60), "the checks asked after the restart");

            var store = new SqliteHealthStore(database);
            await Eventually.ReturnsAsync(() => store.GetUndispatchedAsync(10, ct), p => p.Count == 0, TimeSpan.FromSeconds(60), "the outbox to drain");
            for (var t = 1; t <= TenantCount; t++)
            {
                var nodes = new[] { new NodeKey(ManyTenants.Tenant(t), NodeTypes.Waba, ManyTenants.Waba(t)) }
                    .Concat(Enumerable.Range(1, PhonesEach).Select(p => new NodeKey(ManyTenants.Tenant(t), NodeTypes.Phone, ManyTenants.Phone(t, p))));
                foreach (var node in nodes)
                {
                    var history = await store.GetHistoryAsync(node, 1, 100, ct);
                    Assert.NotEmpty(history);
                    Assert.Equal(Enumerable.Range(1, history.Count).Select(v => (long)v), history.Select(c => c.Version));
                    await Eventually.TrueAsync(() => history.All(c => seen.HasChange(node, c.Version)), TimeSpan.FromSeconds(30), $"every change of {node} to be published");
                }

                var blocked = await store.GetAsync(new NodeKey(ManyTenants.Tenant(t), NodeTypes.Phone, ManyTenants.Phone(t, 1)), ct);
                Assert.Equal("BLOCKED", blocked!.Snapshot.CanSendMessage);
            }

            Assert.True(seen.DuplicatesHaveSameVersion(), "a change was published twice with different contents");
        }
        finally
        {
            await listener.StopAsync(CancellationToken.None);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static IEnumerable<HealthCheckRequested> Requests()
    {
        for (var round = 0; round < RequestsPerNode; round++)
        {
            for (var t = 1; t <= TenantCount; t++)
            {
                yield return new HealthCheckRequested { CustSpaceId = ManyTenants.Tenant(t), NodeType = NodeTypes.Waba, WabaId = ManyTenants.Waba(t), RequestedAt = DateTimeOffset.UtcNow };
                for (var p = 1; p <= PhonesEach; p++)
                {
                    yield return ManyTenants.PhoneCheck(t, p);
                }
            }
        }
    }

    private sealed class Listener
    {
        private readonly ConcurrentDictionary<Guid, bool> _outcomes = new();
        private readonly ConcurrentBag<HealthStatusChanged> _changes = [];

        public int OutcomeCount => _outcomes.Count;

        public Task Outcome(Guid? initiator)
        {
            if (initiator is { } id)
            {
                _outcomes[id] = true;
            }

            return Task.CompletedTask;
        }

        public Task Add(HealthStatusChanged change)
        {
            _changes.Add(change);
            return Task.CompletedTask;
        }

        public bool HasOutcome(Guid id) => _outcomes.ContainsKey(id);

        public bool HasChange(NodeKey node, long version) =>
            _changes.Any(c => c.CustSpaceId == node.CustSpaceId && c.NodeType == node.NodeType && c.NodeId == node.NodeId && c.Version == version);

        public bool DuplicatesHaveSameVersion() =>
            _changes.GroupBy(c => (c.CustSpaceId, c.NodeType, c.NodeId, c.Version))
                .All(g => g.Select(c => SnapshotComparer.Fingerprint(new HealthSnapshot
                {
                    CanSendMessage = c.Current,
                    ReportedCanSendMessage = c.Current,
                    Entities = c.Entities,
                    CheckedAt = c.CheckedAt,
                })).Distinct().Count() == 1);
    }
}
