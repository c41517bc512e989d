namespace HealthEvents.Graph.Throttling;

/// <summary>
/// Meta asked us to stay away from one scope for <see cref="For"/>: the whole app (code 4, a full
/// <c>X-App-Usage</c>), one WABA (codes 80004/80007/80008/80014, <c>X-Business-Use-Case-Usage</c>)
/// or one caller's token (codes 17, 32, 613, 130429, HTTP 429, <c>Retry-After</c>).
/// </summary>
public sealed record MetaPause(ThrottleScope Scope, TimeSpan For);

/// <summary>Which calls a Meta throttle applies to.</summary>
public enum ThrottleScope
{
    /// <summary>The caller's token: this tenant only.</summary>
    Tenant,

    /// <summary>The WABA the call was for, whichever tenant calls it.</summary>
    Waba,

    /// <summary>The whole Meta app: every tenant.</summary>
    App,
}
