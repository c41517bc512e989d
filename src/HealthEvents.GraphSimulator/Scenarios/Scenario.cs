using System.Text.Json;
using System.Text.Json.Serialization;

namespace HealthEvents.GraphSimulator.Scenarios;

/// <summary>
/// What the simulated Graph API knows: tokens and the WABAs they reach, each WABA's business,
/// app, phone numbers and templates, every node's health (AVAILABLE when not listed), scripted
/// health transitions, latency, rate limits and faults. Loaded from a JSON file.
/// </summary>
public sealed class Scenario
{
    public List<ScenarioToken> Tokens { get; set; } = [];

    public List<ScenarioWaba> Wabas { get; set; } = [];

    /// <summary>Health by node id (WABA, phone number, template, business or app).</summary>
    public Dictionary<string, NodeHealth> Health { get; set; } = [];

    public List<HealthTransition> Transitions { get; set; } = [];

    public LatencySettings Latency { get; set; } = new();

    public RateLimitSettings RateLimits { get; set; } = new();

    public List<FaultRule> Faults { get; set; } = [];

    /// <summary>Rows per page on the phone_numbers and message_templates edges when the caller asks for more.</summary>
    public int MaxPageSize { get; set; } = 25;

    /// <summary>
    /// Node fields the simulated Meta does not know on any node type (e.g. <c>quality_score</c>):
    /// asking for one answers error 100 "nonexisting field", as Meta does for a field it lacks.
    /// </summary>
    public List<string> UnknownFields { get; set; } = [];

    /// <summary>Where to send Meta-style signed webhooks when a node's health changes (off unless a URL is set).</summary>
    public WebhookSettings Webhooks { get; set; } = new();

    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static Scenario Load(string path) =>
        JsonSerializer.Deserialize<Scenario>(File.ReadAllText(path), JsonOptions)
        ?? throw new InvalidDataException($"Scenario file '{path}' is empty.");
}

/// <summary>A bearer token the simulator accepts; <see cref="Name"/> is what the call log records instead of the secret.</summary>
public sealed class ScenarioToken
{
    public required string Name { get; set; }

    public required string Token { get; set; }

    public List<string> WabaIds { get; set; } = [];
}

public sealed class ScenarioWaba
{
    public required string Id { get; set; }

    public required string BusinessId { get; set; }

    public required string AppId { get; set; }

    public List<ScenarioPhoneNumber> PhoneNumbers { get; set; } = [];

    public List<ScenarioTemplate> Templates { get; set; } = [];
}

public sealed class ScenarioPhoneNumber
{
    public required string Id { get; set; }

    public required string DisplayPhoneNumber { get; set; }

    public string? VerifiedName { get; set; }
}

public sealed class ScenarioTemplate
{
    public required string Id { get; set; }

    public required string Name { get; set; }

    public required string Language { get; set; }

    public string Status { get; set; } = "APPROVED";
}

public sealed record NodeHealth
{
    public string CanSendMessage { get; init; } = "AVAILABLE";

    public List<string> AdditionalInfo { get; init; } = [];

    public List<NodeHealthError> Errors { get; init; } = [];

    public string? CanReceiveCallSip { get; init; }

    /// <summary>
    /// The node's own Graph fields in this state, by Graph name (<c>quality_rating</c>,
    /// <c>whatsapp_business_manager_messaging_limit</c>, <c>status</c>, <c>quality_score</c>, …),
    /// over <c>NodeFields</c>' defaults for its kind; a transition or override can change them.
    /// </summary>
    public Dictionary<string, string> Fields { get; init; } = [];
}

public sealed record NodeHealthError(int ErrorCode, string ErrorDescription, string PossibleSolution);

/// <summary>From <see cref="At"/> after the simulator starts, node <see cref="Id"/> has <see cref="Health"/>.</summary>
public sealed class HealthTransition
{
    public TimeSpan At { get; set; }

    public required string Id { get; set; }

    public required NodeHealth Health { get; set; }
}

/// <summary>
/// How long answers take: uniformly drawn in [Min, Max] milliseconds, except a share
/// (<see cref="SlowProbability"/>) that takes <see cref="SlowMs"/>, like Meta's slow tail.
/// </summary>
public sealed class LatencySettings
{
    public int MinMs { get; set; }

    public int MaxMs { get; set; }

    public double SlowProbability { get; set; }

    public int SlowMs { get; set; }

    public TimeSpan Draw()
    {
        if (SlowProbability > 0 && Random.Shared.NextDouble() < SlowProbability)
        {
            return TimeSpan.FromMilliseconds(SlowMs);
        }

        return TimeSpan.FromMilliseconds(MaxMs > MinMs ? Random.Shared.Next(MinMs, MaxMs + 1) : MinMs);
    }
}

/// <summary>Meta's webhook subscription as the simulator plays it: the callback URL and the app secret it signs with.</summary>
public sealed class WebhookSettings
{
    public string? Url { get; set; }

    public string? AppSecret { get; set; }
}

/// <summary>Meta-like limits over a sliding one-second window; 0 turns a limit off.</summary>
public sealed class RateLimitSettings
{
    /// <summary>Calls per second per token; beyond it Meta's app limit (code 4, X-App-Usage at 100).</summary>
    public int PerTokenPerSecond { get; set; }

    /// <summary>Calls per second per WABA; beyond it code 80007 with X-Business-Use-Case-Usage.</summary>
    public int PerWabaPerSecond { get; set; }

    /// <summary>The <c>estimated_time_to_regain_access</c> sent when throttling, in minutes.</summary>
    public double RegainAccessMinutes { get; set; } = 1;
}

public enum FaultKind
{
    /// <summary>HTTP 500 with a Graph error body (code 2, transient).</summary>
    ServerError,

    /// <summary>No answer for <see cref="FaultRule.DelayMs"/> (default 30 s).</summary>
    Timeout,

    /// <summary>HTTP 200 with a body that is not JSON.</summary>
    MalformedJson,

    /// <summary>A throttling error (<see cref="FaultRule.Code"/>, default 80007) with usage headers.</summary>
    Throttle,

    /// <summary>HTTP 403 code 200, a permission error.</summary>
    Permission,
}

/// <summary>Makes matching calls fail: all calls, or those for one node id, a given number of times or with a probability.</summary>
public sealed class FaultRule
{
    public FaultKind Kind { get; set; }

    /// <summary>Only calls whose path starts with this node id; null for every call.</summary>
    public string? NodeId { get; set; }

    /// <summary>How many calls to fail; null for no end.</summary>
    public int? Times { get; set; }

    /// <summary>Chance a matching call fails (1 = always).</summary>
    public double Probability { get; set; } = 1;

    public int? Code { get; set; }

    public int DelayMs { get; set; } = 30_000;

    public double? RegainAccessMinutes { get; set; }
}
