using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace HealthEvents.Core.Budgets;

/// <summary>
/// One <see cref="SlidingLogRateLimiter"/> per exact key (a tenant, a WABA), created on first use
/// and forgotten once nothing in it counts. Used instead of <c>PartitionedRateLimiter</c>, whose
/// heartbeat visits every partition ten times a second under one lock: with a WABA per partition
/// (tens of thousands, each kept for its hour) that was about a sixth of the service's CPU
/// (docs/benchmarks.md). Here forgetting is a sweep at most once per <c>sweepEvery</c>, on the
/// caller's thread. A limiter is retired under its own lock and only when empty, and an acquire
/// that meets a retired one takes a fresh one, so no counted call is ever lost.
/// </summary>
public sealed class KeyedSlidingLogs : IDisposable
{
    private readonly ConcurrentDictionary<string, SlidingLogRateLimiter> _logs = new(StringComparer.Ordinal);
    private readonly Func<string, SlidingLogRateLimiter> _create;
    private readonly TimeProvider _time;
    private readonly long _sweepEveryTicks;
    private long _nextSweepTicks;

    public KeyedSlidingLogs(Func<string, SlidingLogRateLimiter> create, TimeProvider time, TimeSpan sweepEvery)
    {
        _create = create;
        _time = time;
        _sweepEveryTicks = sweepEvery.Ticks;
        _nextSweepTicks = time.GetUtcNow().UtcTicks + _sweepEveryTicks;
    }

    /// <summary>How many keys are remembered (some calls in their window, or not swept yet).</summary>
    public int Count => _logs.Count;

    /// <summary>A permit for <paramref name="key"/> now, or a refusal naming when (see <see cref="SlidingLogRateLimiter"/>); 0 permits only asks.</summary>
    public RateLimitLease AttemptAcquire(string key, int permitCount = 1)
    {
        SweepIfDue();
        while (true)
        {
            var log = _logs.GetOrAdd(key, _create);
            if (log.AcquireUnlessRetired(permitCount) is { } lease)
            {
                return lease;
            }

            // Retired by a sweep between our look-up and our acquire: replace it.
            _logs.TryRemove(new KeyValuePair<string, SlidingLogRateLimiter>(key, log));
        }
    }

    /// <summary>When a check for <paramref name="key"/> may start, at or after <paramref name="earliest"/> (<see cref="SlidingLogRateLimiter.NextStart"/>).</summary>
    public DateTimeOffset NextStart(string key, DateTimeOffset earliest, DateTimeOffset now) => WithLog(key, log => log.NextStart(earliest, now));

    /// <summary>Promises a check for <paramref name="key"/> that start and returns it (<see cref="SlidingLogRateLimiter.Promise"/>).</summary>
    public DateTimeOffset Promise(string key, DateTimeOffset earliest, DateTimeOffset now) => WithLog(key, log => log.Promise(earliest, now));

    /// <summary>How far apart <paramref name="key"/>'s log promises starts (<see cref="SlidingLogRateLimiter.Spacing"/>).</summary>
    public TimeSpan SpacingOf(string key) => WithLog(key, log => (TimeSpan?)log.Spacing);

    /// <summary>The check promised <paramref name="start"/> no longer holds it. A log with a promise is never retired, so this finds the one it was made in.</summary>
    public void Unpromise(string key, DateTimeOffset start)
    {
        if (_logs.TryGetValue(key, out var log))
        {
            log.Unpromise(start);
        }
    }

    /// <summary>The key's counts; null when nothing for it is remembered (nothing counted).</summary>
    public RateLimiterStatistics? GetStatistics(string key) => _logs.TryGetValue(key, out var log) ? log.GetStatistics() : null;

    private T WithLog<T>(string key, Func<SlidingLogRateLimiter, T?> use)
        where T : struct
    {
        SweepIfDue();
        while (true)
        {
            var log = _logs.GetOrAdd(key, _create);
            if (use(log) is { } answer)
            {
                return answer;
            }

            _logs.TryRemove(new KeyValuePair<string, SlidingLogRateLimiter>(key, log));
        }
    }

    public void Dispose()
    {
        foreach (var log in _logs.Values)
        {
            log.Dispose();
        }

        _logs.Clear();
    }

    private void SweepIfDue()
    {
        var now = _time.GetUtcNow().UtcTicks;
        var due = Interlocked.Read(ref _nextSweepTicks);
        if (now < due || Interlocked.CompareExchange(ref _nextSweepTicks, now + _sweepEveryTicks, due) != due)
        {
            return;
        }

        foreach (var (key, log) in _logs)
        {
            if (log.TryRetire())
            {
                _logs.TryRemove(new KeyValuePair<string, SlidingLogRateLimiter>(key, log));
                log.Dispose();
            }
        }
    }
}
