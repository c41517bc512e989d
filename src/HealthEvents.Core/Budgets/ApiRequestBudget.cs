using System.Threading.RateLimiting;

namespace HealthEvents.Core.Budgets;

/// <summary>
/// The HTTP API's own limit: requests per customer space in any one-second window (Alibaba's
/// 5/s per account by default), exact like the Graph budget (a <see cref="SlidingLogRateLimiter"/>
/// per tenant, <see cref="KeyedSlidingLogs"/>). Apart from <see cref="GraphBudget"/>: reading a cached answer costs
/// an API request but no Graph call.
/// </summary>
public sealed class ApiRequestBudget : IDisposable
{
    private readonly KeyedSlidingLogs _requests;

    public ApiRequestBudget(int requestsPerSecond, TimeProvider time) =>
        _requests = new KeyedSlidingLogs(_ => new SlidingLogRateLimiter(requestsPerSecond, TimeSpan.FromSeconds(1), time), time, TimeSpan.FromMinutes(1));

    /// <summary>Null when the request may go ahead; otherwise how long until the tenant may ask again.</summary>
    public TimeSpan? TryAdmit(string custSpaceId)
    {
        using var lease = _requests.AttemptAcquire(custSpaceId);
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
    }

    public void Dispose() => _requests.Dispose();
}
