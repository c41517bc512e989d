using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using HealthEvents.Domain.Tenants;
using HealthEvents.Graph.Errors;
using HealthEvents.Graph.Throttling;
using Microsoft.Extensions.Options;

namespace HealthEvents.Core.Throttling;

/// <summary>
/// Every Graph call made for a tenant (checks, id resolution, retries) passes here, so a tenant
/// never has more than <c>RequestsPerSecond</c> calls in any window.
/// <para>
/// The token bucket and window limiters of System.Threading.RateLimiting allow up to twice the
/// limit across a window boundary, so they cannot promise "any window". Instead each tenant gets a
/// <see cref="ConcurrencyLimiter"/> of <c>RequestsPerSecond</c> permits, and a permit goes back one
/// window after its call <em>completes</em>: the next call can then only reach Meta a full window
/// after the previous one did, however the network delays either (an exact sliding log, at the
/// cost of the call latency in throughput). Partitions are keyed by the exact CustSpaceId, so no
/// two tenants ever share one.
/// </para>
/// </summary>
public sealed class TenantRateGate : IGraphCallGate, IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _pausedUntil = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ThrottlingOptions _options;

    public TenantRateGate(ITenantRegistry tenants, IOptions<ThrottlingOptions> options, TimeProvider time)
    {
        _time = time;
        _options = options.Value;
        _limiter = PartitionedRateLimiter.Create<string, string>(tenant => RateLimitPartition.GetConcurrencyLimiter(
            tenant,
            t => new ConcurrencyLimiterOptions
            {
                PermitLimit = tenants.LimitsFor(t).RequestsPerSecond,
                QueueLimit = _options.MaxQueuedPerTenant,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            }));
    }

    public async ValueTask<IDisposable> EnterAsync(string custSpaceId, CancellationToken cancellationToken)
    {
        await WaitOutPauseAsync(custSpaceId, cancellationToken);
        var lease = await _limiter.AcquireAsync(custSpaceId, 1, cancellationToken);
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            throw new GraphThrottledException(
                $"More than {_options.MaxQueuedPerTenant} Graph calls are queued for this tenant.", _options.Window, GraphErrorDetails.None);
        }

        try
        {
            // Meta may have asked for a pause while this call queued.
            await WaitOutPauseAsync(custSpaceId, cancellationToken);
        }
        catch
        {
            lease.Dispose();
            throw;
        }

        return new WindowLease(lease, _options.Window, _time);
    }

    public void BackOff(string custSpaceId, TimeSpan retryAfter)
    {
        var until = _time.GetUtcNow() + retryAfter;
        _pausedUntil.AddOrUpdate(custSpaceId, until, (_, current) => current > until ? current : until);
    }

    /// <summary>How long the tenant is still paused for; zero when it is not.</summary>
    public TimeSpan PauseRemaining(string custSpaceId) =>
        _pausedUntil.TryGetValue(custSpaceId, out var until) && until > _time.GetUtcNow() ? until - _time.GetUtcNow() : TimeSpan.Zero;

    private async Task WaitOutPauseAsync(string custSpaceId, CancellationToken cancellationToken)
    {
        var remaining = PauseRemaining(custSpaceId);
        if (remaining <= TimeSpan.Zero)
        {
            return;
        }

        if (remaining > _options.MaxBackoffWait)
        {
            throw new GraphThrottledException("Meta asked this tenant to back off.", remaining, GraphErrorDetails.None);
        }

        await Task.Delay(remaining, _time, cancellationToken);
    }

    public void Dispose() => _limiter.Dispose();

    /// <summary>Returns the permit one window after the call is over.</summary>
    private sealed class WindowLease(RateLimitLease lease, TimeSpan window, TimeProvider time) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                _ = Task.Delay(window, time).ContinueWith(_ => lease.Dispose(), TaskScheduler.Default);
            }
        }
    }
}
