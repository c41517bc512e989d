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
                return _held == 0 && _releasedAt.Count == 0 ? now - _lastActivity : null;
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
            _retired = _held == 0 && _releasedAt.Count == 0;
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
