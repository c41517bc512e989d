using System.Globalization;
using HealthEvents.Core.Bus;

namespace HealthEvents.Core.Parking;

/// <summary>
/// Where a parked check waits on RabbitMQ, without the delayed-message plugin (docs/design.md,
/// *Parking*). The near queue (<see cref="NearQueue"/>) is read by a service process that holds
/// each check until due (<see cref="NearParkedCheckConsumer"/>). A wait of at least
/// <see cref="ShortestHop"/> first passes through hop queues: quorum queues whose queue-level TTL is
/// <see cref="ShortestHop"/> × 2ⁿ (RabbitMQ expires messages only at a queue's head, so each queue
/// holds one length), each dead-lettering into the near queue, where what is left of the wait is
/// held or hopped again. Each hop is the longest that fits, so a wait takes at most one hop per
/// length and arrives late by the broker's hops, never early.
/// </summary>
public sealed class RabbitMqParkingTopology
{
    /// <summary>The shortest hop; a shorter wait is held in the near queue.</summary>
    public static readonly TimeSpan ShortestHop = TimeSpan.FromSeconds(15);

    /// <summary>Hops of 15 s to 2 h 8 min: the longest alone is past <c>Budget:MaxParkTime</c>'s reach.</summary>
    public const int Hops = 10;

    private readonly Uri[] _hopAddresses;

    public RabbitMqParkingTopology(string entryQueue)
    {
        ArgumentException.ThrowIfNullOrEmpty(entryQueue);
        EntryQueue = entryQueue;
        _hopAddresses = [.. Enumerable.Range(0, Hops).Select(hop => CheckQueues.ExchangeAddressOf(HopQueueName(hop)))];
        NearExchangeAddress = CheckQueues.ExchangeAddressOf(NearQueue);
    }

    public string EntryQueue { get; }

    public string NearQueue => $"{EntryQueue}.park.near";

    public Uri NearExchangeAddress { get; }

    public static TimeSpan HopTtl(int hop) => ShortestHop * (1 << hop);

    public string HopQueueName(int hop) => string.Create(CultureInfo.InvariantCulture, $"{EntryQueue}.park.{HopTtl(hop).TotalSeconds:0}s");

    /// <summary>Where a check with <paramref name="wait"/> still to wait goes: the longest hop within it, else the near queue.</summary>
    public Uri AddressFor(TimeSpan wait) => HopFor(wait) is { } hop ? _hopAddresses[hop] : NearExchangeAddress;

    /// <summary>The longest hop within <paramref name="wait"/>, or null when it is shorter than <see cref="ShortestHop"/>.</summary>
    public static int? HopFor(TimeSpan wait) =>
        wait < ShortestHop ? null : Math.Min(Hops - 1, 31 - int.LeadingZeroCount((int)Math.Min(wait / ShortestHop, int.MaxValue)));
}
