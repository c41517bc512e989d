using System.Threading.RateLimiting;

namespace HealthEvents.Core.Budgets;

/// <summary>
/// At most <c>permitLimit</c> calls in <em>any</em> window of length <c>window</c>, exactly.
/// <para>
/// The token bucket and fixed or sliding window limiters of System.Threading.RateLimiting allow up
/// to twice the limit across a window boundary, so they cannot promise "any window". Here a permit
/// is held while its call runs and, once the call is over, stays counted for one more window: the
/// next call can only reach Meta a full window after the previous one did, however the network
/// delays either (an exact sliding log, at the cost of the call latency in throughput).
/// </para>
/// Never queues: a refused lease carries <see cref="MetadataName.RetryAfter"/>, the time until a
/// permit is free (one window when every permit is held by a call still running). A request for
/// zero permits asks whether one is free without taking it.
/// <para>
/// The same log schedules the checks that will make those calls (<see cref="NextStart"/>,
/// <see cref="Promise"/>): a check starts no sooner than a window after the N-th most recent of
/// the calls over and the starts promised to other checks, and its starts are spread evenly over
/// the window (window ÷ N apart), so a backlog comes back one check at a time, at the pace the
/// log will admit. The schedule refuses nothing: the calls' own permits still decide.
/// </para>
/// </summary>
public sealed class SlidingLogRateLimiter : RateLimiter
{
    private readonly object _lock = new();
    private readonly Queue<DateTimeOffset> _releasedAt = new();
    private readonly int _permitLimit;
    private readonly TimeSpan _window;
    private readonly TimeProvider _time;
    private int _held;
    private DateTimeOffset _lastActivity;
    private long _granted;
    private long _refused;
    private bool _retired;

    // Starts promised to checks (admitted and running, or parked until then), by time then a
    // sequence number; created on first use (a WABA's log never schedules). A start leaves when its
    // check is done (Unpromise), or a window after it (the check never came back here).
    private SortedSet<(long Ticks, long Seq)>? _promised;
    private long _promiseSeq;
    private long _lastStartTicks = long.MinValue;

    public SlidingLogRateLimiter(int permitLimit, TimeSpan window, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(permitLimit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        _permitLimit = permitLimit;
        _window = window;
        _time = time;
        _lastActivity = time.GetUtcNow();
    }

    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_lock)
            {
                var now = _time.GetUtcNow();
                Expire(now);
                return _held == 0 && _releasedAt.Count == 0 && _promised is not { Count: > 0 } ? now - _lastActivity : null;
            }
        }
    }

    /// <summary>Calls counted now: running, or over less than a window ago.</summary>
    public int InUse
    {
        get
        {
            lock (_lock)
            {
                Expire(_time.GetUtcNow());
                return _held + _releasedAt.Count;
            }
        }
    }

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_lock)
        {
            Expire(_time.GetUtcNow());
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = _permitLimit - _held - _releasedAt.Count,
                CurrentQueuedCount = 0,
                TotalSuccessfulLeases = _granted,
                TotalFailedLeases = _refused,
            };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount) =>
        AcquireUnlessRetired(permitCount) ?? throw new InvalidOperationException("This limiter was retired by its owner.");

    /// <summary>
    /// Forgets nothing and retires the limiter, but only when nothing in it counts any more (no call
    /// running, none in the window): its owner may then drop it (<see cref="KeyedSlidingLogs"/>).
    /// </summary>
    internal bool TryRetire()
    {
        lock (_lock)
        {
            Expire(_time.GetUtcNow());
            _retired = _held == 0 && _releasedAt.Count == 0 && _promised is not { Count: > 0 };
            return _retired;
        }
    }

    /// <summary>As <see cref="RateLimiter.AttemptAcquire"/>; null once retired (take a fresh limiter instead).</summary>
    internal RateLimitLease? AcquireUnlessRetired(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(permitCount);
        lock (_lock)
        {
            if (_retired)
            {
                return null;
            }

            var now = _time.GetUtcNow();
            Expire(now);
            _lastActivity = now;
            if (_held + _releasedAt.Count >= _permitLimit)
            {
                _refused++;
                // The oldest finished call leaves the window first; with none finished, at least a window.
                var retryAfter = _releasedAt.Count > 0 ? _releasedAt.Peek() + _window - now : _window;
                return new RefusedLease(retryAfter);
            }

            if (permitCount == 0)
            {
                return AvailableLease.Instance;
            }

            _held++;
            _granted++;
            return new WindowLease(this);
        }
    }

    /// <summary>How far apart the starts it promises are: the window ÷ its permits.</summary>
    internal TimeSpan Spacing => _window / _permitLimit;

    /// <summary>
    /// The earliest a check may start at or after <paramref name="earliest"/> (and now): a window
    /// after the N-th most recent of the calls over and the starts promised, and window ÷ N after the
    /// last start promised. Null once retired. <paramref name="now"/> is the caller's, so a start
    /// of "now" compares equal to it.
    /// </summary>
    internal DateTimeOffset? NextStart(DateTimeOffset earliest, DateTimeOffset now)
    {
        lock (_lock)
        {
            return _retired ? null : Schedule(earliest, now);
        }
    }

    /// <summary>Promises the check the start <see cref="NextStart"/> names and returns it; null once retired.</summary>
    internal DateTimeOffset? Promise(DateTimeOffset earliest, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (_retired)
            {
                return null;
            }

            var start = Schedule(earliest, now);
            (_promised ??= []).Add((start.UtcTicks, _promiseSeq++));
            _lastStartTicks = Math.Max(_lastStartTicks, start.UtcTicks);
            _lastActivity = now;
            return start;
        }
    }

    /// <summary>The check promised <paramref name="start"/> is done (its calls are in the log now) or no longer needs it.</summary>
    internal void Unpromise(DateTimeOffset start)
    {
        lock (_lock)
        {
            if (_promised?.GetViewBetween((start.UtcTicks, long.MinValue), (start.UtcTicks, long.MaxValue)) is { Count: > 0 } atThatTime)
            {
                _promised.Remove(atThatTime.Min);
            }
        }
    }

    private DateTimeOffset Schedule(DateTimeOffset earliest, DateTimeOffset now)
    {
        Expire(now);
        var windowTicks = _window.Ticks;
        while (_promised is { Count: > 0 } && _promised.Min.Ticks + windowTicks <= now.UtcTicks)
        {
            _promised.Remove(_promised.Min);
        }

        var start = Math.Max(earliest.UtcTicks, now.UtcTicks);
        if (_lastStartTicks != long.MinValue)
        {
            start = Math.Max(start, _lastStartTicks + Spacing.Ticks);
        }

        // The N most recent of the calls over and the starts promised: the oldest of them must
        // leave the window before another may start.
        var recent = _releasedAt.Select(r => r.UtcTicks)
            .Concat(_promised?.Reverse().Take(_permitLimit).Select(p => p.Ticks) ?? [])
            .OrderDescending()
            .Take(_permitLimit)
            .ToList();
        if (recent.Count == _permitLimit)
        {
            start = Math.Max(start, recent[^1] + windowTicks);
        }

        return new DateTimeOffset(start, TimeSpan.Zero);
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    private void Release()
    {
        lock (_lock)
        {
            _held--;
            _lastActivity = _time.GetUtcNow();
            _releasedAt.Enqueue(_lastActivity);
        }
    }

    private void Expire(DateTimeOffset now)
    {
        while (_releasedAt.Count > 0 && _releasedAt.Peek() + _window <= now)
        {
            _releasedAt.Dequeue();
        }
    }

    private sealed class WindowLease(SlidingLogRateLimiter owner) : RateLimitLease
    {
        private int _disposed;

        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Release();
            }

            base.Dispose(disposing);
        }
    }

    private sealed class AvailableLease : RateLimitLease
    {
        public static AvailableLease Instance { get; } = new();

        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }

    private sealed class RefusedLease(TimeSpan retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName == MetadataName.RetryAfter.Name ? retryAfter : null;
            return metadata is not null;
        }
    }
}
