using HealthEvents.Contracts;

namespace HealthEvents.Gate;

/// <summary>
/// The gate's answer to "may I send?": <see cref="Allowed"/> when the campaign verdict is
/// <see cref="CampaignVerdicts.Go"/> on what the gate knows, and that knowledge is fresh. The
/// reasons are <see cref="CampaignRule"/>'s, plus <see cref="GateReasons"/> when the gate knows
/// too little.
/// </summary>
public sealed record GateDecision
{
    /// <summary>True only for a campaign verdict of Go on fresh knowledge.</summary>
    public required bool Allowed { get; init; }

    /// <summary>The campaign verdict, with every reason.</summary>
    public required CampaignVerdict Verdict { get; init; }

    /// <summary>The node's overall status as last known (AVAILABLE, LIMITED, BLOCKED, …); null when never seen.</summary>
    public string? Status { get; init; }

    /// <summary>The node's change version the decision rests on; null when never seen.</summary>
    public long? Version { get; init; }

    /// <summary>When Meta gave the answer the decision rests on; null when never seen.</summary>
    public DateTimeOffset? CheckedAt { get; init; }

    /// <summary>How old that answer is.</summary>
    public TimeSpan? Age { get; init; }

    /// <summary>Where the knowledge came from: <see cref="GateSources"/>.</summary>
    public required string Source { get; init; }
}

/// <summary>Where a decision's knowledge came from.</summary>
public static class GateSources
{
    /// <summary>A <c>HealthStatusChanged</c> (live, republished, or loaded from <c>/v1/events</c>).</summary>
    public const string Events = "Events";

    /// <summary>The service's query API, asked because the view had nothing fresh.</summary>
    public const string QueryApi = "QueryApi";

    /// <summary>Nothing: the node is not known.</summary>
    public const string None = "None";
}

/// <summary>The gate's own reasons, beside the campaign rule's (<see cref="CampaignReasons"/>): both make the decision Hold.</summary>
public static class GateReasons
{
    /// <summary>No event about the node has reached the gate (and no fallback answered).</summary>
    public const string NotSeen = "NotSeen";

    /// <summary>What the gate knows is older than <c>MaxStaleness</c> (and no fallback answered).</summary>
    public const string Stale = "Stale";

    /// <summary>The fallback to the query API failed or timed out; the text says how.</summary>
    public const string QueryApiFailed = "QueryApiFailed";
}
