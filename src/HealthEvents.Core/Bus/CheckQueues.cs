using System.Globalization;
using HealthEvents.Core.Parking;

namespace HealthEvents.Core.Bus;

/// <summary>
/// The names of the queues and exchanges checks travel through on RabbitMQ. Senders publish
/// <c>HealthCheckRequested</c> or send it to the entry queue (<see cref="EntryQueue"/>, the
/// documented <c>health-check-requested</c>); the router there forwards each check to
/// <see cref="HashExchange"/>, a consistent-hash exchange keyed by <c>CustSpaceId</c>, which puts all
/// of a tenant's checks into the same shard queue (<see cref="Shard"/>). Every shard queue has a
/// single active consumer.
/// </summary>
public sealed class CheckQueues
{
    public const int MaxShards = 64;

    /// <summary>
    /// Points each shard gets on the hash ring: with one point each, a handful of shards would split
    /// the tenants very unevenly.
    /// </summary>
    public const int RingPointsPerShard = 64;

    /// <summary>The binding key of each shard to the hash exchange: the plugin reads it as the shard's points on the ring.</summary>
    public static string ShardBindingKey { get; } = RingPointsPerShard.ToString(CultureInfo.InvariantCulture);

    public CheckQueues(string entryQueue, int shards)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(entryQueue);
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(shards, MaxShards);
        EntryQueue = entryQueue;
        Shards = [.. Enumerable.Range(0, shards).Select(Shard)];
        HashExchangeAddress = new Uri($"exchange:{HashExchange}?type=x-consistent-hash&durable=true");
        Parking = new RabbitMqParkingTopology(entryQueue);
        RouterLeaseExchangeAddress = new Uri($"exchange:{RouterLeaseQueue}?type=fanout&durable=true");
    }

    public static CheckQueues From(BusOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new CheckQueues(options.QueueName, options.Shards);
    }

    public string EntryQueue { get; }

    public string HashExchange => EntryQueue + ".shards";

    public IReadOnlyList<string> Shards { get; }

    /// <summary>Where the router forwards: the hash exchange, declared by <see cref="RabbitMqCheckTopology"/>.</summary>
    public Uri HashExchangeAddress { get; }

    /// <summary>The queue whose single active consumer holds the <see cref="RouterLease"/>.</summary>
    public string RouterLeaseQueue => EntryQueue + RouterLeaseSuffix;

    public const string RouterLeaseSuffix = ".router-lease";

    /// <summary>Where lease pings are sent: the lease queue's own exchange (a queue: address would declare it without single active consumer).</summary>
    public Uri RouterLeaseExchangeAddress { get; }

    /// <summary>Where parked checks wait on RabbitMQ (named after the entry queue).</summary>
    public RabbitMqParkingTopology Parking { get; }

    public string Shard(int index) => string.Create(CultureInfo.InvariantCulture, $"{EntryQueue}.shard-{index:00}");

    /// <summary>Shard queues a deployment with more shards left behind (names past <see cref="Shards"/>).</summary>
    public IEnumerable<string> SurplusShards => Enumerable.Range(Shards.Count, MaxShards - Shards.Count).Select(Shard);
}
