using System.Threading.RateLimiting;
using HealthEvents.Domain.Tenants;
using Microsoft.Extensions.Options;

namespace HealthEvents.Core.Throttling;

/// <summary>
/// How many checks of each tenant run at once (<c>MaxConcurrency</c>). One
/// <see cref="ConcurrencyLimiter"/> per exact CustSpaceId, never a hash bucket, so a busy tenant
/// cannot make another wait the way MassTransit's partitioner can.
/// </summary>
public sealed class TenantConcurrency : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public TenantConcurrency(ITenantRegistry tenants, IOptions<ThrottlingOptions> options)
    {
        var queueLimit = options.Value.MaxQueuedPerTenant;
        _limiter = PartitionedRateLimiter.Create<string, string>(tenant => RateLimitPartition.GetConcurrencyLimiter(
            tenant,
            t => new ConcurrencyLimiterOptions
            {
                PermitLimit = tenants.LimitsFor(t).MaxConcurrency,
                QueueLimit = queueLimit,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            }));
    }

    public async ValueTask<RateLimitLease> AcquireAsync(string custSpaceId, CancellationToken cancellationToken)
    {
        var lease = await _limiter.AcquireAsync(custSpaceId, 1, cancellationToken);
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            throw new TenantQueueFullException(custSpaceId);
        }

        return lease;
    }

    public void Dispose() => _limiter.Dispose();
}

/// <summary>Too many checks of one tenant are waiting; the message is retried later or lands in the error queue.</summary>
public sealed class TenantQueueFullException(string custSpaceId)
    : Exception($"Too many checks are waiting for tenant '{custSpaceId}'.");
