using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace HealthEvents.Core.HealthChecks;

/// <summary>Which edge listing: the edge, the tenant whose token reads it, the WABA, and Meta-side filter.</summary>
public readonly record struct EdgeListingKey(string Edge, string CustSpaceId, string WabaId, string Filter);

/// <summary>
/// Remembers a WABA's phone_numbers and message_templates listings for
/// <c>HealthChecks:ResolutionCacheDuration</c>. Callers that ask while a listing is being read share
/// that one read: the entry is created under a lock (IMemoryCache's GetOrCreate is not atomic, so
/// two callers could otherwise both start a Graph call). A failed read is forgotten at once.
/// </summary>
public sealed class EdgeListingCache(IMemoryCache cache, IOptions<HealthChecksOptions> options)
{
    private readonly Lock _creating = new();
    private readonly TimeSpan _cacheFor = options.Value.ResolutionCacheDuration;

    public async Task<IReadOnlyList<T>> GetAsync<T>(EdgeListingKey key, Func<CancellationToken, IAsyncEnumerable<T>> list, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(list);
        Task<IReadOnlyList<T>> reading;
        lock (_creating)
        {
            if (!cache.TryGetValue(key, out reading!))
            {
                // Runs without any one caller's token, so one caller giving up cannot fail the others.
                reading = Task.Run(() => ReadAllAsync(list), CancellationToken.None);
                cache.Set(key, reading, _cacheFor > TimeSpan.Zero ? _cacheFor : TimeSpan.FromTicks(1));
            }
        }

        try
        {
            return await reading.WaitAsync(cancellationToken);
        }
        catch when (reading.IsFaulted || reading.IsCanceled)
        {
            lock (_creating)
            {
                if (cache.TryGetValue(key, out Task<IReadOnlyList<T>>? current) && current == reading)
                {
                    cache.Remove(key);
                }
            }

            throw;
        }
    }

    /// <summary>The listing if it is cached and already read, without any Graph call.</summary>
    public IReadOnlyList<T>? Peek<T>(EdgeListingKey key) =>
        cache.TryGetValue(key, out Task<IReadOnlyList<T>>? reading) && reading is { IsCompletedSuccessfully: true } ? reading.Result : null;

    private static async Task<IReadOnlyList<T>> ReadAllAsync<T>(Func<CancellationToken, IAsyncEnumerable<T>> list) =>
        await list(CancellationToken.None).ToListAsync(CancellationToken.None);
}
