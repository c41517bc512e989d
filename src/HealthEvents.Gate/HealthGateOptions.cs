namespace HealthEvents.Gate;

/// <summary>How the gate listens, how old an answer it trusts, and where it asks when it knows too little.</summary>
public sealed class HealthGateOptions
{
    /// <summary>
    /// The queue this process's view reads <c>HealthStatusChanged</c> from. Null (the default): a
    /// temporary queue of this process alone, so every instance of the sender has a whole view of
    /// its own (on start it loads what it missed, <see cref="CustSpaceIds"/>). Set a name only for
    /// a single instance that must keep events queued while it is down.
    /// </summary>
    public string? QueueName { get; set; }

    /// <summary>
    /// An answer older than this (from when Meta gave it) is not trusted: the decision holds, or
    /// asks the query API when <see cref="ServiceAddress"/> is set. Events come only on change, so
    /// this is also how often a quiet node is asked about. Default 1 hour.
    /// </summary>
    public TimeSpan MaxStaleness { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The HealthEvents HTTP side (e.g. <c>https://health.example.com/</c>); null: no fallback and no load on start.</summary>
    public Uri? ServiceAddress { get; set; }

    /// <summary>The sender's API key for <see cref="ServiceAddress"/> (sent as <c>X-Api-Key</c>, never logged).</summary>
    public string? ApiKey { get; set; }

    /// <summary>The longest one query API call may take (the fallback and each page of the load). Default 5 s.</summary>
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The customer spaces whose changes are loaded from <c>GET /v1/events</c> on start (needs
    /// <see cref="ServiceAddress"/>). Empty: nothing is loaded and the gate is ready at once, knowing
    /// only what arrives (run <c>healthevents republish</c> to fill it).
    /// </summary>
    public IList<string> CustSpaceIds { get; } = [];

    /// <summary>How far back the load on start reads. Default 7 days.</summary>
    public TimeSpan LoadSince { get; set; } = TimeSpan.FromDays(7);

    internal void Validate()
    {
        if (MaxStaleness <= TimeSpan.Zero || QueryTimeout <= TimeSpan.Zero || LoadSince <= TimeSpan.Zero)
        {
            throw new ArgumentException("HealthGateOptions: MaxStaleness, QueryTimeout and LoadSince must be positive.");
        }

        if (CustSpaceIds.Count > 0 && ServiceAddress is null)
        {
            throw new ArgumentException("HealthGateOptions: CustSpaceIds are loaded from the query API, so ServiceAddress must be set.");
        }

        if (ServiceAddress is not null && (!ServiceAddress.IsAbsoluteUri || string.IsNullOrWhiteSpace(ApiKey)))
        {
            throw new ArgumentException("HealthGateOptions: ServiceAddress must be an absolute http(s) address, with an ApiKey.");
        }
    }
}
