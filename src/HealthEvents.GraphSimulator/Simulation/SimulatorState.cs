using HealthEvents.GraphSimulator.Scenarios;

namespace HealthEvents.GraphSimulator.Simulation;

/// <summary>
/// The simulator's live state: the scenario's graph of nodes, health with transitions and
/// run-time overrides, faults, Meta-like sliding-window rate limits and the call log.
/// Thread-safe; tests drive it directly, other processes through the <c>/_sim</c> endpoints.
/// </summary>
public sealed class SimulatorState
{
    public const string UnknownToken = "(unknown)";

    private readonly Lock _gate = new();
    private readonly Scenario _scenario;
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _startedAt;
    private readonly Dictionary<string, ScenarioToken> _tokens;
    private readonly Dictionary<string, GraphNode> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NodeHealth> _overrides = new(StringComparer.Ordinal);
    private readonly List<FaultRule> _faults;
    private readonly List<SimulatedCall> _calls = [];
    private readonly Dictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _mostInFlight = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<DateTimeOffset>> _recentByToken = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<DateTimeOffset>> _recentByWaba = new(StringComparer.Ordinal);

    public SimulatorState(Scenario scenario, TimeProvider time)
    {
        _scenario = scenario;
        _time = time;
        _startedAt = time.GetUtcNow();
        _tokens = scenario.Tokens.ToDictionary(t => t.Token, StringComparer.Ordinal);
        _faults = [.. scenario.Faults];
        foreach (var waba in scenario.Wabas)
        {
            _nodes[waba.Id] = new GraphNode(GraphNodeKind.Waba, waba.Id, waba);
            foreach (var phone in waba.PhoneNumbers)
            {
                _nodes[phone.Id] = new GraphNode(GraphNodeKind.PhoneNumber, phone.Id, waba);
            }

            foreach (var template in waba.Templates)
            {
                _nodes[template.Id] = new GraphNode(GraphNodeKind.MessageTemplate, template.Id, waba);
            }
        }
    }

    public Scenario Scenario => _scenario;

    public ScenarioToken? FindToken(string? bearer) =>
        bearer is not null && _tokens.TryGetValue(bearer, out var token) ? token : null;

    public GraphNode? FindNode(string id) => _nodes.GetValueOrDefault(id);

    /// <summary>The node's health now: a run-time override, else the latest transition due, else the scenario's, else AVAILABLE.</summary>
    public NodeHealth HealthOf(string id)
    {
        lock (_gate)
        {
            if (_overrides.TryGetValue(id, out var set))
            {
                return set;
            }
        }

        var elapsed = _time.GetUtcNow() - _startedAt;
        var due = _scenario.Transitions
            .Where(t => t.Id == id && t.At <= elapsed)
            .MaxBy(t => t.At);
        return due?.Health ?? _scenario.Health.GetValueOrDefault(id) ?? new NodeHealth();
    }

    public void SetHealth(string id, NodeHealth health)
    {
        lock (_gate)
        {
            _overrides[id] = health;
        }

        if (FindNode(id) is { } node)
        {
            HealthChanged?.Invoke(node);
        }
    }

    /// <summary>A node's health was changed at run time (scripted transitions are announced by <see cref="WebhookSender"/> at their time).</summary>
    public event Action<GraphNode>? HealthChanged;

    /// <summary>When the scenario's clock started: transitions are due at this plus their <c>At</c>.</summary>
    public DateTimeOffset StartedAt => _startedAt;

    public void AddFault(FaultRule rule)
    {
        lock (_gate)
        {
            _faults.Add(rule);
        }
    }

    public void ClearFaults()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    /// <summary>The fault, if any, this call must suffer; counts it against the rule's <c>Times</c>.</summary>
    public FaultRule? TakeFault(string nodeId)
    {
        lock (_gate)
        {
            foreach (var rule in _faults)
            {
                if ((rule.NodeId is null || rule.NodeId == nodeId) && rule.Times is not <= 0
                    && (rule.Probability >= 1 || Random.Shared.NextDouble() < rule.Probability))
                {
                    if (rule.Times is { } left)
                    {
                        rule.Times = left - 1;
                    }

                    return rule;
                }
            }

            return null;
        }
    }

    /// <summary>Counts the call against its token and WABA and says which limit, if any, it broke.</summary>
    public (RateVerdict Verdict, DateTimeOffset ArrivedAt) Admit(string tokenName, string? wabaId)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var tokenOver = Count(_recentByToken, tokenName, now) > _scenario.RateLimits.PerTokenPerSecond
                && _scenario.RateLimits.PerTokenPerSecond > 0;
            var wabaOver = wabaId is not null
                && Count(_recentByWaba, wabaId, now) > _scenario.RateLimits.PerWabaPerSecond
                && _scenario.RateLimits.PerWabaPerSecond > 0;
            return (tokenOver ? RateVerdict.TokenLimited : wabaOver ? RateVerdict.WabaLimited : RateVerdict.Admitted, now);
        }
    }

    /// <summary>Counts a call as in progress at the Graph side until the returned handle is disposed.</summary>
    public IDisposable InFlight(string tokenName)
    {
        lock (_gate)
        {
            var now = _inFlight.GetValueOrDefault(tokenName) + 1;
            _inFlight[tokenName] = now;
            _mostInFlight[tokenName] = Math.Max(_mostInFlight.GetValueOrDefault(tokenName), now);
        }

        return new InFlightCall(this, tokenName);
    }

    /// <summary>The most calls of one token that were in progress at the same time (arrival to answer).</summary>
    public int MostInFlight(string tokenName)
    {
        lock (_gate)
        {
            return _mostInFlight.GetValueOrDefault(tokenName);
        }
    }

    private void Left(string tokenName)
    {
        lock (_gate)
        {
            _inFlight[tokenName]--;
        }
    }

    private sealed class InFlightCall(SimulatorState state, string tokenName) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                state.Left(tokenName);
            }
        }
    }

    public void Record(SimulatedCall call)
    {
        lock (_gate)
        {
            _calls.Add(call);
        }
    }

    public IReadOnlyList<SimulatedCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    public void ClearCalls()
    {
        lock (_gate)
        {
            _calls.Clear();
        }
    }

    // Sliding one-second window: every call counts, as Meta counts refused calls too.
    private static int Count(Dictionary<string, Queue<DateTimeOffset>> windows, string key, DateTimeOffset now)
    {
        if (!windows.TryGetValue(key, out var window))
        {
            windows[key] = window = new Queue<DateTimeOffset>();
        }

        // The clock is read under the lock, so each window stays sorted.
        while (window.Count > 0 && now - window.Peek() >= TimeSpan.FromSeconds(1))
        {
            window.Dequeue();
        }

        window.Enqueue(now);
        return window.Count;
    }
}

public enum GraphNodeKind
{
    Waba,
    PhoneNumber,
    MessageTemplate,
}

public sealed record GraphNode(GraphNodeKind Kind, string Id, ScenarioWaba Waba);

public enum RateVerdict
{
    Admitted,
    TokenLimited,
    WabaLimited,
}
