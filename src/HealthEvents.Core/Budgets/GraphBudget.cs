using System.Threading.RateLimiting;
using HealthEvents.Domain.Tenants;
using HealthEvents.Graph;
using HealthEvents.Graph.Throttling;
using Microsoft.Extensions.Options;

namespace HealthEvents.Core.Budgets;

/// <summary>
/// The one owner of every limit a Graph call is subject to, each keyed by the scope Meta uses:
/// <list type="bullet">
/// <item>per tenant: calls in any window (<c>RequestsPerSecond</c>, exact, <see cref="SlidingLogRateLimiter"/>:
/// the one rule, which also schedules the checks that make them) and checks at once
/// (<c>MaxConcurrency</c>, a <see cref="ConcurrencyLimiter"/>);</item>
/// <item>per WABA: calls in any hour (<see cref="BudgetOptions.WabaCallsPerHour"/>);</item>
/// <item>per app, WABA or tenant: Meta's own pauses, and the hold after a takeover (<see cref="TakingOver"/>, <see cref="PauseBook"/>).</item>
/// </list>
/// Admission never blocks: it grants a lease or names the time to come back (<see cref="Admission"/>).
/// The consumer asks <see cref="AdmitCheck"/> before a check runs, the Graph client's gate asks
/// <see cref="AdmitCall"/> before every HTTP attempt; nothing else decides.
/// </summary>
public sealed class GraphBudget : IDisposable
{
    private readonly BudgetOptions _options;
    private readonly TimeProvider _time;
    private readonly KeyedSlidingLogs _tenantCalls;
    private readonly KeyedSlidingLogs _wabaCalls;
    private readonly PartitionedRateLimiter<string> _tenantChecks;
    private readonly PauseBook _pauses;

    /// <summary>How much before its promised start a parked check that is back counts as on time: more than it is woken ahead.</summary>
    private static readonly TimeSpan EarlyWake = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long before its promised start a parked check is woken: three quarters of the tenant's
    /// spacing (window ÷ rate), at most 150 ms (within <see cref="EarlyWake"/>). Measured on the
    /// rate-bound benchmark: 0 ms cost 5 % of the throughput, 50 ms 3 %, 150 ms nothing
    /// (docs/benchmarks.md); at a higher rate a shorter lead keeps the tenant's places free.
    /// </summary>
    internal static TimeSpan WakeAhead(TimeSpan spacing) =>
        spacing * 3 / 4 < MaxWakeAhead ? spacing * 3 / 4 : MaxWakeAhead;

    private static readonly TimeSpan MaxWakeAhead = TimeSpan.FromMilliseconds(150);

    /// <summary>How often limiters with nothing left in their window are forgotten.</summary>
    private static readonly TimeSpan ForgetAfter = TimeSpan.FromMinutes(1);

    public GraphBudget(ITenantRegistry tenants, IOptions<BudgetOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        _pauses = new PauseBook(time);
        // By exact key, never a hash bucket: no two tenants (or WABAs) share a limiter.
        _tenantCalls = new KeyedSlidingLogs(t => new SlidingLogRateLimiter(tenants.LimitsFor(t).RequestsPerSecond, _options.Window, time), time, ForgetAfter);
        _wabaCalls = new KeyedSlidingLogs(_ => new SlidingLogRateLimiter(_options.WabaCallsPerHour, _options.WabaWindow, time), time, ForgetAfter);
        _tenantChecks = PartitionedRateLimiter.Create<string, string>(tenant => RateLimitPartition.GetConcurrencyLimiter(
            tenant, t => new ConcurrencyLimiterOptions { PermitLimit = tenants.LimitsFor(t).MaxConcurrency, QueueLimit = 0 }));
    }

    /// <summary>
    /// May this check start now? Granted holds one of the tenant's <c>MaxConcurrency</c> places and
    /// its start in the tenant's log until disposed. Deferred names the start the tenant's log
    /// promised it (<see cref="SlidingLogRateLimiter.Promise"/>), no sooner than the end of a pause or
    /// of a full hour.
    /// </summary>
    public Admission AdmitCheck(CheckTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var now = _time.GetUtcNow();
        var tenant = ticket.Scope.CustSpaceId;
        var (earliest, limit) = Earliest(ticket.Scope, now);

        if (ticket.Slot is { } promised)
        {
            // Parked with its start: its place in the schedule is already paid for. A check back a
            // little before it is admitted all the same, and its call waits at the gate if it must:
            // parking it again costs a broker trip, waiting costs nothing but the wait.
            if (promised > now + EarlyWake)
            {
                return Bound(ticket, new Admission.Deferred(promised, WaitReason.TenantRate, promised), now);
            }

            if (earliest > now)
            {
                _tenantCalls.Unpromise(tenant, promised);
                return Defer(ticket, earliest, limit, now);
            }

            return TakeCheckPlace(ticket, promised, now);
        }

        var next = _tenantCalls.NextStart(tenant, earliest, now);
        if (next > now)
        {
            return Defer(ticket, earliest, next > earliest ? WaitReason.TenantRate : limit, now);
        }

        // Another check may have taken this start since the look: then the promise is a moment later.
        var start = _tenantCalls.Promise(tenant, now, now);
        return start > now ? new Admission.Deferred(start, WaitReason.TenantRate, start) : TakeCheckPlace(ticket, start, now);
    }

    /// <summary>
    /// The one way a check that may not go on is parked: not before <paramref name="notBefore"/>,
    /// for <paramref name="reason"/>, as whoever stopped it said (the call gate, Meta's pause, the
    /// check it joined) — never recomputed. A check that was admitted and stopped is promised the
    /// tenant's next start at or after that time; one that joined another's check
    /// (<see cref="WaitReason.JoinedCheck"/>) is charged nothing. Bounded by <c>Budget:MaxParkTime</c>.
    /// </summary>
    public Admission Later(CheckTicket ticket, DateTimeOffset notBefore, WaitReason reason)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var now = _time.GetUtcNow();
        return reason == WaitReason.JoinedCheck
            ? Bound(ticket, new Admission.Deferred(notBefore, reason, ticket.Slot), now)
            : Defer(ticket, notBefore > now ? notBefore : now, reason, now);
    }

    /// <summary>May one Graph HTTP attempt go out now? Granted counts it against the tenant's window and the WABA's hour.</summary>
    public Admission AdmitCall(GraphCallScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var now = _time.GetUtcNow();
        if (_pauses.Current(scope) is { } pause)
        {
            return new Admission.Deferred(pause.Until, pause.Reason, null);
        }

        var tenantLease = _tenantCalls.AttemptAcquire(scope.CustSpaceId);
        if (!tenantLease.IsAcquired)
        {
            return Refused(tenantLease, WaitReason.TenantRate, now);
        }

        var wabaLease = _wabaCalls.AttemptAcquire(scope.WabaId);
        if (!wabaLease.IsAcquired)
        {
            tenantLease.Dispose();
            return Refused(wabaLease, WaitReason.WabaHourly, now);
        }

        return new Admission.Granted(new CallLease(tenantLease, wabaLease));
    }

    /// <summary>Meta asked to pause <paramref name="pause"/>'s scope (the app, the call's WABA or its tenant).</summary>
    public void Pause(GraphCallScope scope, MetaPause pause)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(pause);
        _pauses.Add(scope, pause);
    }

    /// <summary>
    /// This process became the work queue's active consumer at <paramref name="activeSince"/> (its
    /// first delivery since its endpoint was ready; null: the delivery came through a consumer that
    /// has gone since). It may be taking over from an instance that just died, whose last Graph calls
    /// it cannot see, so no call goes out for any tenant until one window (plus the dead instance's
    /// requests still on the wire) after that: by then those calls have left every window.
    /// </summary>
    public void TakingOver(DateTimeOffset? activeSince)
    {
        var now = _time.GetUtcNow();
        var quietUntil = (activeSince ?? now) + _options.Window + TakeoverInFlightMargin;
        if (now < quietUntil)
        {
            _pauses.HoldAll(quietUntil);
        }
    }

    /// <summary>How long a dead instance's last requests may still be on their way to Meta.</summary>
    private static readonly TimeSpan TakeoverInFlightMargin = TimeSpan.FromMilliseconds(250);

    /// <summary>What a tenant has spent: Graph calls in the current window and, per WABA it owns, in the current hour.</summary>
    public BudgetUsage Usage(Tenant tenant)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        var perWaba = tenant.WabaIds.Order(StringComparer.Ordinal)
            .Select(waba => new WabaUsage(waba, Spent(_wabaCalls, waba, _options.WabaCallsPerHour), _options.WabaCallsPerHour))
            .ToList();
        return new BudgetUsage(Spent(_tenantCalls, tenant.CustSpaceId, tenant.Limits.RequestsPerSecond), tenant.Limits.RequestsPerSecond, _options.Window, perWaba);
    }

    private static int Spent(KeyedSlidingLogs limiter, string key, int limit) =>
        limit - (int)(limiter.GetStatistics(key)?.CurrentAvailablePermits ?? limit);

    public void Dispose()
    {
        _tenantCalls.Dispose();
        _wabaCalls.Dispose();
        _tenantChecks.Dispose();
    }

    /// <summary>The earliest a check could start for its pauses and its WABA's hour, and the limit that says so.</summary>
    private (DateTimeOffset Earliest, WaitReason Limit) Earliest(GraphCallScope scope, DateTimeOffset now)
    {
        var earliest = now;
        var limit = WaitReason.TenantRate;
        if (_pauses.Current(scope) is { } pause)
        {
            (earliest, limit) = (pause.Until, pause.Reason);
        }

        using var probe = _wabaCalls.AttemptAcquire(scope.WabaId, 0);
        if (!probe.IsAcquired && probe.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && now + retryAfter > earliest)
        {
            (earliest, limit) = (now + retryAfter, WaitReason.WabaHourly);
        }

        return (earliest, limit);
    }

    /// <summary>Promises the tenant's next start at or after <paramref name="earliest"/>, unless that is beyond the park bound.</summary>
    private Admission Defer(CheckTicket ticket, DateTimeOffset earliest, WaitReason limit, DateTimeOffset now)
    {
        var tenant = ticket.Scope.CustSpaceId;
        var next = _tenantCalls.NextStart(tenant, earliest, now);
        if (Bound(ticket, new Admission.Deferred(next, limit, next), now) is Admission.Exhausted exhausted)
        {
            return exhausted;
        }

        // Woken a moment before its start, so its call is at the gate when the log frees rather than
        // that moment plus the time a parked check takes to come back and run; never before `earliest`.
        var start = _tenantCalls.Promise(tenant, earliest, now);
        var wake = start - WakeAhead(_tenantCalls.SpacingOf(tenant));
        return new Admission.Deferred(wake > earliest ? wake : earliest, limit, start);
    }

    private Admission Bound(CheckTicket ticket, Admission.Deferred deferred, DateTimeOffset now) =>
        deferred.NotBefore > (ticket.ParkedSince ?? now) + _options.MaxParkTime
            ? new Admission.Exhausted(deferred.NotBefore, deferred.Reason)
            : deferred;

    private Admission TakeCheckPlace(CheckTicket ticket, DateTimeOffset start, DateTimeOffset now)
    {
        var tenant = ticket.Scope.CustSpaceId;
        var place = _tenantChecks.AttemptAcquire(tenant);
        if (place.IsAcquired)
        {
            return new Admission.Granted(new CheckLease(place, () => _tenantCalls.Unpromise(tenant, start)));
        }

        // All of the tenant's places are taken by checks still running: come back at its next start
        // (window ÷ rate after this one at the soonest).
        place.Dispose();
        var deferred = Defer(ticket, now, WaitReason.TenantConcurrency, now);
        _tenantCalls.Unpromise(tenant, start);
        return deferred;
    }

    private static Admission.Deferred Refused(RateLimitLease lease, WaitReason limit, DateTimeOffset now)
    {
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.Zero;
        lease.Dispose();
        return new Admission.Deferred(now + retryAfter, limit, null);
    }

    /// <summary>A running check's place among the tenant's <c>MaxConcurrency</c>, and its start in the tenant's schedule: both given back when it is done.</summary>
    private sealed class CheckLease(RateLimitLease place, Action unpromise) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                place.Dispose();
                unpromise();
            }
        }
    }

    private sealed class CallLease(RateLimitLease tenant, RateLimitLease waba) : IDisposable
    {
        public void Dispose()
        {
            tenant.Dispose();
            waba.Dispose();
        }
    }
}
