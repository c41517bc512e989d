using HealthEvents.Core.Budgets;
using Microsoft.Extensions.Time.Testing;

namespace HealthEvents.UnitTests.Budgets;

public class KeyedSlidingLogsSpecs
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Sweep = TimeSpan.FromMinutes(1);

    private static (KeyedSlidingLogs Logs, FakeTimeProvider Time) Create(int limit = 2)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 6, 0, 0, TimeSpan.Zero));
        return (new KeyedSlidingLogs(_ => new SlidingLogRateLimiter(limit, Window, time), time, Sweep), time);
    }

    [Fact]
    public void Each_key_has_its_own_exact_limit()
    {
        var (logs, _) = Create();
        using var a1 = logs.AttemptAcquire("a");
        using var a2 = logs.AttemptAcquire("a");
        using var a3 = logs.AttemptAcquire("a");
        using var b1 = logs.AttemptAcquire("b");
        Assert.Equal([true, true, false, true], new[] { a1, a2, a3, b1 }.Select(l => l.IsAcquired));
        Assert.Equal(0, logs.GetStatistics("a")!.CurrentAvailablePermits);
        Assert.Null(logs.GetStatistics("never-seen"));
    }

    [Fact]
    public void A_sweep_forgets_only_keys_with_nothing_in_their_window_and_a_forgotten_key_starts_afresh()
    {
        var (logs, time) = Create(limit: 1);
        logs.AttemptAcquire("idle").Dispose();
        var running = logs.AttemptAcquire("running");
        time.Advance(Sweep + Window);

        logs.AttemptAcquire("trigger", 0).Dispose();

        Assert.Null(logs.GetStatistics("idle"));
        Assert.NotNull(logs.GetStatistics("running"));
        Assert.False(logs.AttemptAcquire("running").IsAcquired, "a call still running keeps its permit across a sweep");
        using var again = logs.AttemptAcquire("idle");
        Assert.True(again.IsAcquired);
        running.Dispose();
    }

    [Fact]
    public void A_call_counted_just_before_a_sweep_is_not_lost_and_a_retired_limiter_is_replaced()
    {
        var (logs, time) = Create(limit: 1);
        time.Advance(Sweep);
        // The sweep happens inside this acquire; the call it grants must count in the new window.
        logs.AttemptAcquire("k").Dispose();
        Assert.False(logs.AttemptAcquire("k").IsAcquired);

        var limiter = new SlidingLogRateLimiter(1, Window, time);
        Assert.True(limiter.TryRetire());
        Assert.Null(limiter.AcquireUnlessRetired(1));
        Assert.Throws<InvalidOperationException>(() => limiter.AttemptAcquire());
        var busy = new SlidingLogRateLimiter(1, Window, time);
        using var held = busy.AttemptAcquire();
        Assert.False(busy.TryRetire());
    }
}
