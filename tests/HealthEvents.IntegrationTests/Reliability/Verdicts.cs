using HealthEvents.Contracts;
using HealthEvents.Domain.HealthChecks;
using HealthEvents.GraphSimulator.Simulation;
using HealthEvents.IntegrationTests.Support;
using HealthEvents.Storage;

namespace HealthEvents.IntegrationTests.Reliability;

/// <summary>What every reliability scenario asserts, in one place.</summary>
public static class Verdicts
{
    /// <summary>
    /// Each request has an answer, and only one (copies of the same message are one answer). "Only
    /// one" is judged once nothing could still answer late: see <see cref="QuietAsync"/>.
    /// </summary>
    public static async Task EveryRequestAnsweredOnceAsync(OutcomeLedger ledger, IReadOnlyCollection<Guid> requests, TimeSpan within, IHealthStore? store = null)
    {
        try
        {
            await Eventually.TrueAsync(() => requests.All(ledger.HasOutcome), within,
                () => $"{requests.Count(id => !ledger.HasOutcome(id))} of {requests.Count} requests unanswered: {string.Join(", ", requests.Where(id => !ledger.HasOutcome(id)))}");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}{Environment.NewLine}{string.Join(Environment.NewLine, await QueuesAsync(ledger.Broker))}", ex);
        }

        await NoneAnsweredTwiceAsync(ledger, store);
    }

    /// <summary>No request has two distinct answers, judged once it is quiet (<see cref="QuietAsync"/>).</summary>
    public static async Task NoneAnsweredTwiceAsync(OutcomeLedger ledger, IHealthStore? store = null)
    {
        await QuietAsync(ledger, store);
        Assert.True(ledger.AnsweredTwice().Count == 0, "answered twice: " + ledger.DescribeAnsweredTwice());
    }

    /// <summary>What the entry queue's error queue holds now, read off the broker (-1 while it does not exist).</summary>
    public static async Task<long> InErrorQueueAsync(Uri broker)
    {
        await using var probe = await BrokerProbe.ConnectAsync(broker);
        return await probe.MessageCountAsync("health-check-requested_error");
    }

    /// <summary>
    /// Waits until nothing can answer late: every queue of the ledger's virtual host empty and
    /// unacknowledged by nobody (error and skipped queues aside: they are judged on their own), the
    /// ledger's own included, and, given the store, no change left in its outbox for a sweep to
    /// republish. Seen twice in a row, so a count caught between two moves is not taken for quiet.
    /// </summary>
    public static async Task QuietAsync(OutcomeLedger ledger, IHealthStore? store = null)
    {
        var quietTimes = 0;
        await Eventually.ReturnsAsync(async () =>
        {
            var busy = (await QueuesAsync(ledger.Broker)).Where(q => !q.Name.EndsWith("_error", StringComparison.Ordinal) && !q.Name.EndsWith("_skipped", StringComparison.Ordinal) && q.Messages > 0).ToList();
            var outbox = store is null ? 0 : (await store.GetUndispatchedAsync(10, TestContext.Current.CancellationToken)).Count;
            quietTimes = busy.Count == 0 && outbox == 0 ? quietTimes + 1 : 0;
            return (Busy: string.Join(", ", busy.Select(q => $"{q.Name}={q.Messages}")), Outbox: outbox, Quiet: quietTimes);
        }, state => state.Quiet >= 2, TimeSpan.FromSeconds(120), "every queue to drain and the outbox to empty");
    }

    /// <summary>The queues of a virtual host with their messages, ready and unacknowledged together.</summary>
    public static async Task<IReadOnlyList<(string Name, long Messages)>> QueuesAsync(Uri broker)
    {
        var (ok, output) = await RabbitBroker.RabbitMqCtlOutputAsync("list_queues", "-q", "--no-table-headers", "-p", broker.AbsolutePath.Trim('/'), "name", "messages");
        Assert.True(ok, "rabbitmqctl list_queues failed: " + output);
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('\t', ' '))
            .Where(parts => parts.Length >= 2 && long.TryParse(parts[^1], out _))
            .Select(parts => (parts[0], long.Parse(parts[^1], System.Globalization.CultureInfo.InvariantCulture)))];
    }

    /// <summary>No change event arrived twice with different contents, and every stored version was published.</summary>
    public static async Task NoChangeLostOrDuplicatedAsync(OutcomeLedger ledger, IHealthStore store, IEnumerable<NodeKey> nodes)
    {
        foreach (var node in nodes)
        {
            var history = await store.GetHistoryAsync(node, 1, 1000, TestContext.Current.CancellationToken);
            Assert.Equal(Enumerable.Range(1, history.Count).Select(v => (long)v), history.Select(c => c.Version));
            await Eventually.TrueAsync(
                () => history.All(c => ledger.Changes.Any(e => e.CustSpaceId == node.CustSpaceId && e.NodeId == node.NodeId && e.NodeType == node.NodeType && e.Version == c.Version)),
                TimeSpan.FromSeconds(30), $"every change of {node} to be published");
        }

        Assert.Empty(ledger.ConflictingChanges());
    }

    /// <summary>The store holds what the simulator says now, for every node it holds.</summary>
    public static async Task StoreMatchesSimulatorAsync(IHealthStore store, SimulatorState simulator, IEnumerable<NodeKey> nodes)
    {
        foreach (var node in nodes)
        {
            var stored = await store.GetAsync(node, TestContext.Current.CancellationToken);
            if (stored is not null)
            {
                Assert.True(simulator.HealthOf(node.NodeId).CanSendMessage == stored.Snapshot.CanSendMessage,
                    $"{node}: stored {stored.Snapshot.CanSendMessage}, Meta says {simulator.HealthOf(node.NodeId).CanSendMessage}");
            }
        }
    }

    /// <summary>No tenant's token made more Graph calls in any window than its limit allows.</summary>
    public static void NoBudgetViolation(SimulatorState simulator, int perSecond = 5)
    {
        foreach (var (token, most) in CallWindows.MostInAnyWindowByToken(simulator.Calls, TimeSpan.FromSeconds(1)))
        {
            Assert.True(most <= perSecond, $"{token}: {most} Graph calls in one second");
        }
    }

    /// <summary>
    /// The end state every fault scenario on <see cref="ManyTenants"/> phones must reach: nothing in
    /// the error queue, the store equal to Meta, every change published once, no budget exceeded.
    /// </summary>
    public static async Task SettledAsync(ServiceHarness h, OutcomeLedger ledger, int tenants, int phonesEach)
    {
        Assert.True(await InErrorQueueAsync(h.BrokerAddress) <= 0, "nothing in the error queue");
        var nodes = PhonesOf(tenants, phonesEach).ToList();
        await StoreMatchesSimulatorAsync(h.Store, h.Simulator.State, nodes);
        await NoChangeLostOrDuplicatedAsync(ledger, h.Store, nodes);
        NoBudgetViolation(h.Simulator.State);
    }

    /// <summary>
    /// One row of figures for docs/reliability.md: written to the test output, and appended to the
    /// file named by <c>HEALTHEVENTS_RELIABILITY_REPORT</c> when it is set.
    /// </summary>
    public static void Report(string scenario, string faults, int requests, OutcomeLedger ledger, long inErrorQueue, SimulatorState simulator, TimeSpan? recovery)
    {
        var answered = ledger.AnsweredCount;
        var lost = Math.Max(0, requests - answered - (int)Math.Max(0, inErrorQueue));
        var overBudget = CallWindows.MostInAnyWindowByToken(simulator.Calls, TimeSpan.FromSeconds(1)).Count(m => m.Value > 5);
        var row = $"| {scenario} | {faults} | {requests} | {answered} | {Math.Max(0, inErrorQueue)} | {lost} | {ledger.AnsweredTwice().Count} | {ledger.ConflictingChanges().Count} | {simulator.Calls.Count} | {overBudget} | {(recovery is { } r ? $"{r.TotalSeconds:0.0} s" : "-")} |";
        TestContext.Current.TestOutputHelper?.WriteLine(row);
        if (Environment.GetEnvironmentVariable("HEALTHEVENTS_RELIABILITY_REPORT") is { Length: > 0 } file)
        {
            lock (ReportLock)
            {
                File.AppendAllLines(file, [row]);
            }
        }
    }

    private static readonly Lock ReportLock = new();

    public static IEnumerable<NodeKey> PhonesOf(int tenants, int phonesEach) =>
        from t in Enumerable.Range(1, tenants)
        from p in Enumerable.Range(1, phonesEach)
        select new NodeKey(ManyTenants.Tenant(t), NodeTypes.Phone, ManyTenants.Phone(t, p));
}
