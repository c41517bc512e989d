using HealthEvents.Graph;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace HealthEvents.Core.HealthChecks;

/// <summary>Which edge listing: the edge, the tenant whose token reads it, the WABA, and Meta-side filter.</summary>
public readonly record struct EdgeListingKey(string Edge, string CustSpaceId, string WabaId, string Filter);

/// <summary>
/// Remembers a WABA's phone_numbers and message_templates listings for
/// <c>HealthChecks:ResolutionCacheDuration</c>. Callers that ask while a listing is being read share
/// that one read: the entry is created under a lock (IMemoryCache's GetOrCreate is not atomic, so
/// two callers could otherwise both start a Graph call). A failed or deferred read is forgotten at
/// once: every caller that shared it gets its failure or deferral, and the next asks again.
/// </summary>
public sealed class EdgeListingCache(IMemoryCache cache, IOptions<HealthChecksOptions> options)
{
    private readonly Lock _creating = new();
    private readonly TimeSpan _cacheFor = options.Value.ResolutionCacheDuration;

    public async Task<GraphAnswer<IReadOnlyList<T>>> GetAsync<T>(EdgeListingKey key, Func<CancellationToken, Task<GraphAnswer<IReadOnlyList<T>>>> list, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(list);
        Task<GraphAnswer<IReadOnlyList<T>>> reading;
        lock (_creating)
        {
            if (!cache.TryGetValue(key, out reading!))
            {
                // Runs without any one caller's token, so one caller giving up cannot fail the others.
                reading = Task.Run(() => list(CancellationToken.None), CancellationToken.None);
                cache.Set(key, reading, _cacheFor > TimeSpan.Zero ? _cacheFor : TimeSpan.FromTicks(1));
            }
        }

        try
        {
            var answer = await reading.WaitAsync(cancellationToken);
            if (answer is GraphAnswer<IReadOnlyList<T>>.Deferred)
            {
                Forget(key, reading);
            }

            return answer;
        }
        catch when (reading.IsFaulted || reading.IsCanceled)
        {
            Forget(key, reading);
            throw;
        }
    }

    private void Forget<T>(EdgeListingKey key, Task<T> reading)
    {
        lock (_creating)
        {
            if (cache.TryGetValue(key, out Task<T>? current) && current == reading)
            {
                cache.Remove(key);
            }
        }
    }

    /// <summary>The listing if it is cached and already read, without any Graph call.</summary>
    public IReadOnlyList<T>? Peek<T>(EdgeListingKey key) =>
        cache.TryGetValue(key, out Task<GraphAnswer<IReadOnlyList<T>>>? reading)
        && reading is { IsCompletedSuccessfully: true, Result: GraphAnswer<IReadOnlyList<T>>.Answered answered } ? answered.Value : null;
}
