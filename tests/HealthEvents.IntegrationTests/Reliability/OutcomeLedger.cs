using System.Collections.Concurrent;
using HealthEvents.Contracts;
using HealthEvents.IntegrationTests.Support;
using MassTransit;

namespace HealthEvents.IntegrationTests.Reliability;

/// <summary>
/// What a subscribing team sees on the broker: a listener of its own (bound before anything is
/// sent) that records every outcome by the request it answers (InitiatorId) and every change event
/// by node and version, each with the MessageId it arrived with. The reliability scenarios judge
/// "exactly one answer" and "no change lost or duplicated with a new Version" from it.
/// </summary>
public sealed class OutcomeLedger : IAsyncDisposable
{
    // Per request, every distinct answer: keyed by MessageId and content (see Content), so a redelivered
    // copy is one answer while two answers under one MessageId that say different things are two.
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<(Guid MessageId, string Content), object>> _outcomes = new();
    private readonly ConcurrentDictionary<(string, string, string, long), ConcurrentDictionary<Guid, string>> _changes = new();
    private readonly IBusControl _bus;

    private OutcomeLedger(IBusControl bus, Uri broker)
    {
        _bus = bus;
        Broker = broker;
    }

    /// <summary>The virtual host the ledger listens on, where the verdicts look for quiet.</summary>
    public Uri Broker { get; }

    public static async Task<OutcomeLedger> StartAsync(Uri broker, string name)
    {
        OutcomeLedger? ledger = null;
        var bus = MassTransit.Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(broker, _ => { });
            cfg.ReceiveEndpoint(name, e =>
            {
                e.Handler<HealthCheckCompleted>(c => ledger!.Outcome(c.InitiatorId, c.MessageId, c.Message));
                e.Handler<HealthCheckRejected>(c => ledger!.Outcome(c.InitiatorId, c.MessageId, c.Message));
                e.Handler<HealthStatusChanged>(c => ledger!.Change(c.MessageId, c.Message));
            });
        });
        ledger = new OutcomeLedger(bus, broker);
        await bus.StartAsync(TestContext.Current.CancellationToken);
        return ledger;
    }

    public IBus Bus => _bus;

    public int AnsweredCount => _outcomes.Count;

    public bool HasOutcome(Guid requestId) => _outcomes.ContainsKey(requestId);

    /// <summary>The distinct outcome messages (by MessageId and content) that answered <paramref name="requestId"/>.</summary>
    public IReadOnlyList<object> OutcomesOf(Guid requestId) =>
        _outcomes.TryGetValue(requestId, out var answers) ? [.. answers.Values] : [];

    public T? Only<T>(Guid requestId)
        where T : class => OutcomesOf(requestId).OfType<T>().SingleOrDefault();

    /// <summary>Requests answered by more than one distinct message (a second answer or another content, not a redelivered copy).</summary>
    public IReadOnlyList<Guid> AnsweredTwice() => [.. _outcomes.Where(o => o.Value.Count > 1).Select(o => o.Key)];

    /// <summary>Each request answered twice with its answers (MessageId and content), for a failure message.</summary>
    public string DescribeAnsweredTwice() => string.Join(Environment.NewLine,
        _outcomes.Where(o => o.Value.Count > 1).Select(o => $"{o.Key}: {string.Join(" | ", o.Value.Keys.Select(k => $"{k.MessageId} {k.Content}"))}"));

    /// <summary>Change events whose node and version arrived under two MessageIds or with two contents.</summary>
    public IReadOnlyList<string> ConflictingChanges() =>
        [.. _changes.Where(c => c.Value.Count > 1 || c.Value.Values.Distinct().Count() > 1).Select(c => $"{c.Key}")];

    public IReadOnlyCollection<HealthStatusChanged> Changes { get; } = new ConcurrentBag<HealthStatusChanged>();

    /// <summary>The MessageIds change events arrived with.</summary>
    public IEnumerable<Guid?> ChangeMessageIds => _changes.Values.SelectMany(c => c.Keys).Select(id => (Guid?)id);

    /// <summary>
    /// Asks for every phone of <paramref name="tenants"/> tenants (<see cref="ManyTenants"/>), tenants
    /// interleaved, each request with a MessageId of its own; returns them. Sent to the entry queue
    /// (which sending creates), so it works before any service has bound it.
    /// </summary>
    public async Task<List<Guid>> AskAllPhonesAsync(int tenants, int phonesEach, TimeSpan? maxAge = null)
    {
        var entry = await _bus.GetSendEndpoint(new Uri("queue:health-check-requested"));
        var ids = new List<Guid>();
        for (var p = 1; p <= phonesEach; p++)
        {
            for (var t = 1; t <= tenants; t++)
            {
                var id = NewId.NextGuid();
                ids.Add(id);
                await entry.Send(ManyTenants.PhoneCheck(t, p) with { MaxAge = maxAge }, c => c.MessageId = id, TestContext.Current.CancellationToken);
            }
        }

        return ids;
    }

    public async ValueTask DisposeAsync() => await _bus.StopAsync(CancellationToken.None);

    private Task Outcome(Guid? initiator, Guid? messageId, object outcome)
    {
        if (initiator is { } request && messageId is { } id)
        {
            _outcomes.GetOrAdd(request, _ => new())[(id, Content(outcome))] = outcome;
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// What a sender acts on, as JSON: everything but <c>FromCache</c>, which says how the answer was
    /// reached, not what it says. A request redelivered after a crash finds the snapshot its first
    /// delivery stored and answers it from the store: the same snapshot and version under the same
    /// MessageId is the same answer; a different snapshot or version under it is a second one.
    /// </summary>
    private static string Content(object outcome)
    {
        var json = System.Text.Json.JsonSerializer.SerializeToNode(outcome, outcome.GetType())!.AsObject();
        json.Remove(nameof(HealthCheckCompleted.FromCache));
        return json.ToJsonString();
    }

    private Task Change(Guid? messageId, HealthStatusChanged change)
    {
        ((ConcurrentBag<HealthStatusChanged>)Changes).Add(change);
        var key = (change.CustSpaceId, change.NodeType, change.NodeId, change.Version);
        _changes.GetOrAdd(key, _ => new())[messageId ?? Guid.Empty] = $"{change.Current}|{change.CheckedAt:O}";
        return Task.CompletedTask;
    }
}
