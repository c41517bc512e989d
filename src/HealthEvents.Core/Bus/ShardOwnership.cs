using System.Collections.Concurrent;
using MassTransit;

namespace HealthEvents.Core.Bus;

/// <summary>
/// Which shard queues this process is the active consumer of, since when, and which shard each
/// tenant's checks arrive on. RabbitMQ does not tell a consumer that it became a queue's single
/// active consumer, but only the active one receives, and the broker moves the role only when that
/// consumer goes away. So a delivery on a shard makes this process its owner until the shard's
/// receive endpoint stops, faults or restarts; after a restart it must receive again before it
/// counts as the owner. The router uses this to run a check of a tenant whose shard this process
/// owns at once instead of forwarding it (<see cref="ShardRouter"/>), and the takeover hold counts
/// from the first delivery of each ownership (<see cref="ShardTakeover"/>).
/// </summary>
public sealed class ShardOwnership(TimeProvider time) : IReceiveEndpointObserver
{
    // By queue name: whether this process owns the shard now, and since when.
    private readonly ConcurrentDictionary<string, Ownership> _shards = new(StringComparer.Ordinal);

    // Tenant → the name of the shard queue its checks arrive on.
    private readonly ConcurrentDictionary<string, string> _shardOfTenant = new(StringComparer.Ordinal);

    /// <summary>
    /// A check of <paramref name="custSpaceId"/> was delivered on <paramref name="shard"/>. Returns
    /// since when this process owns that shard, or null when the delivery does not prove ownership
    /// (the endpoint stopped or faulted since, and has not been ready again).
    /// </summary>
    public DateTimeOffset? Delivered(Uri shard, string custSpaceId)
    {
        ArgumentNullException.ThrowIfNull(shard);
        ArgumentException.ThrowIfNullOrEmpty(custSpaceId);
        var name = QueueAddresses.NameOf(shard);
        if (!_shardOfTenant.TryGetValue(custSpaceId, out var known) || known != name)
        {
            _shardOfTenant[custSpaceId] = name;
        }

        // A delivery before the endpoint reported ready (start-up) counts too: it can only come from the active consumer.
        return StateOf(name, shard).Delivered(time.GetUtcNow());
    }

    /// <summary>The shard of <paramref name="custSpaceId"/>, when this process has seen it and owns that shard now.</summary>
    public bool TryOwnedShardOf(string? custSpaceId, out Uri shard)
    {
        shard = null!;
        return !string.IsNullOrEmpty(custSpaceId)
               && _shardOfTenant.TryGetValue(custSpaceId, out var name)
               && TryOwned(name, out shard);
    }

    /// <summary>The input address of shard queue <paramref name="queueName"/>, when this process owns it now.</summary>
    public bool TryOwned(string queueName, out Uri shard)
    {
        shard = null!;
        if (!_shards.TryGetValue(queueName, out var state) || state.Since is null)
        {
            return false;
        }

        shard = state.Address;
        return true;
    }

    public Task Ready(ReceiveEndpointReady ready)
    {
        ArgumentNullException.ThrowIfNull(ready);
        StateOf(ready.InputAddress).Arm();
        return Task.CompletedTask;
    }

    public Task Stopping(ReceiveEndpointStopping stopping)
    {
        ArgumentNullException.ThrowIfNull(stopping);
        Release(stopping.InputAddress);
        return Task.CompletedTask;
    }

    public Task Completed(ReceiveEndpointCompleted completed)
    {
        ArgumentNullException.ThrowIfNull(completed);
        Release(completed.InputAddress);
        return Task.CompletedTask;
    }

    public Task Faulted(ReceiveEndpointFaulted faulted)
    {
        ArgumentNullException.ThrowIfNull(faulted);
        Release(faulted.InputAddress);
        return Task.CompletedTask;
    }

    private void Release(Uri shard) => StateOf(shard).Release();

    private Ownership StateOf(Uri shard) => StateOf(QueueAddresses.NameOf(shard), shard);

    private Ownership StateOf(string name, Uri shard) => _shards.GetOrAdd(name, static (_, address) => new Ownership(address), shard);

    /// <summary>One shard's state: armed (ready, nothing received), owned since a time, or released until ready again.</summary>
    private sealed class Ownership(Uri address)
    {
        public Uri Address { get; } = address;

        private readonly Lock _lock = new();
        private bool _released;

        public DateTimeOffset? Since { get; private set; }

        public DateTimeOffset? Delivered(DateTimeOffset now)
        {
            lock (_lock)
            {
                // Deliveries still running after a stop or fault came through the consumer that went away.
                if (_released)
                {
                    return null;
                }

                Since ??= now;
                return Since;
            }
        }

        public void Arm()
        {
            lock (_lock)
            {
                _released = false;
                Since = null;
            }
        }

        public void Release()
        {
            lock (_lock)
            {
                _released = true;
                Since = null;
            }
        }
    }
}
