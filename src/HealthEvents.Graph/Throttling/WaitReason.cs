namespace HealthEvents.Graph.Throttling;

/// <summary>
/// Why a check waits: a closed set, each with its one sentence for the sender
/// (<see cref="WaitReasons.Describe"/>). Most are the budget's limits; <see cref="JoinedCheck"/>,
/// <see cref="Takeover"/> and <see cref="UpstreamUnavailable"/> are not limits, and say so.
/// </summary>
public enum WaitReason
{
    /// <summary>The tenant's <c>RequestsPerSecond</c>.</summary>
    TenantRate,

    /// <summary>The tenant's <c>MaxConcurrency</c>.</summary>
    TenantConcurrency,

    /// <summary>The WABA's calls per hour (<c>Budget:WabaCallsPerHour</c>).</summary>
    WabaHourly,

    /// <summary>Meta asked the tenant's token to back off.</summary>
    MetaPausedTenant,

    /// <summary>Meta asked for the WABA to be left alone.</summary>
    MetaPausedWaba,

    /// <summary>Meta throttled the whole app: every tenant waits.</summary>
    MetaPausedApp,

    /// <summary>
    /// This process has just become the work queue's active consumer: it waits one window, so the
    /// previous one's last calls have aged out before it calls for anyone.
    /// </summary>
    Takeover,

    /// <summary>Not a limit: the check joined a check of the same node that is itself waiting, and waits with it (charged nothing).</summary>
    JoinedCheck,

    /// <summary>
    /// Not a budget: Meta could not be reached (5xx, timeouts, unreadable answers) after the call's
    /// own retries; the check waits and tries again until <c>HealthChecks:UpstreamDeadline</c>.
    /// </summary>
    UpstreamUnavailable,
}

/// <summary>What a wait means, for the sender who waits on it.</summary>
public static class WaitReasons
{
    /// <summary>The reason a Meta pause of <paramref name="scope"/> makes a check wait.</summary>
    public static WaitReason Of(ThrottleScope scope) => scope switch
    {
        ThrottleScope.App => WaitReason.MetaPausedApp,
        ThrottleScope.Waba => WaitReason.MetaPausedWaba,
        _ => WaitReason.MetaPausedTenant,
    };

    public static string Describe(this WaitReason limit) => limit switch
    {
        WaitReason.MetaPausedApp => "Meta is throttling the whole app",
        WaitReason.MetaPausedWaba => "Meta is throttling this WABA",
        WaitReason.MetaPausedTenant => "Meta is throttling this customer space's token",
        WaitReason.WabaHourly => "This WABA's hourly Graph call budget is spent",
        WaitReason.TenantConcurrency => "This customer space has as many checks running as it may",
        WaitReason.Takeover => "The service is taking over from an instance that stopped",
        WaitReason.UpstreamUnavailable => "Meta cannot be reached",
        WaitReason.JoinedCheck => "A check of the same node is waiting; this one waits with it",
        _ => "This customer space's Graph call budget is spent",
    };
}
