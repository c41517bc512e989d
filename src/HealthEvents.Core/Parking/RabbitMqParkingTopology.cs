using System.Globalization;

namespace HealthEvents.Core.Parking;

/// <summary>
/// The delay queues a parked check waits in on RabbitMQ, without the delayed-message plugin
/// (docs/design.md, *Parking*). RabbitMQ expires a message only at the head of its queue, so there
/// are <see cref="Levels"/> levels: level <c>n</c> is a headers exchange and a quorum queue whose
/// queue-level TTL is <see cref="Unit"/> × 2ⁿ. A delay is written in binary into the message's
/// headers, one per level; a message enters at the exchange of its highest 1 bit, waits in each
/// level whose bit is 1 and passes each whose bit is 0, and after level 0 the deliver exchange
/// sends it back to the work queue: late by at most the broker's hops, never early.
/// </summary>
public sealed class RabbitMqParkingTopology
{
    private readonly Uri[] _levelAddresses;

    public RabbitMqParkingTopology(string entryQueue)
    {
        ArgumentException.ThrowIfNullOrEmpty(entryQueue);
        EntryQueue = entryQueue;
        _levelAddresses = [.. Enumerable.Range(0, Levels).Select(level => new Uri($"exchange:{LevelName(level)}?type=headers&durable=true"))];
        // Through the queue's own exchange: a queue: address would have MassTransit declare the
        // queue without its single-active-consumer argument, which the broker refuses.
        NearExchangeAddress = new Uri($"exchange:{NearQueue}?type=fanout&durable=true");
    }

    /// <summary>The smallest delay step.</summary>
    public static readonly TimeSpan Unit = TimeSpan.FromMilliseconds(100);

    public const int Levels = 16;

    /// <summary>The longest delay the levels can express (1 h 49 min).</summary>
    public static readonly TimeSpan MaxDelay = Unit * ((1 << Levels) - 1);

    /// <summary>What a level's binding matches on: the level's bit of the delay, "1" or "0".</summary>
    public static string BitHeader(int level) => string.Create(CultureInfo.InvariantCulture, $"HealthEvents-Delay-{level:00}");

    public string EntryQueue { get; }

    public string DeliverExchange => $"{EntryQueue}.delay.deliver";

    public string NearQueue => $"{EntryQueue}.park.near";

    public Uri NearExchangeAddress { get; }

    public string LevelName(int level) => string.Create(CultureInfo.InvariantCulture, $"{EntryQueue}.delay.{level:00}");

    public string LevelQueueName(int level) => LevelName(level) + ".qq";

    /// <summary>Where level <paramref name="level"/> sends what it does not keep, and its queue dead-letters to.</summary>
    public string Below(int level) => level == 0 ? DeliverExchange : LevelName(level - 1);

    public static TimeSpan LevelTtl(int level) => Unit * (1 << level);

    public static int UnitsFor(TimeSpan delay) =>
        (int)Math.Clamp(Math.Ceiling(delay / Unit), 1, (1 << Levels) - 1);

    /// <summary>Where a check parked for <paramref name="delay"/> enters: the exchange of its highest 1 bit (the levels above would only pass it on).</summary>
    public Uri EntryAddressFor(TimeSpan delay) => _levelAddresses[TopLevel(UnitsFor(delay))];

    public static int TopLevel(int units) => 31 - int.LeadingZeroCount(units);

    /// <summary>The delay's bits, one header per level.</summary>
    public static IEnumerable<KeyValuePair<string, string>> DelayHeaders(TimeSpan delay)
    {
        var units = UnitsFor(delay);
        for (var level = 0; level < Levels; level++)
        {
            yield return new(BitHeader(level), (units >> level & 1) == 1 ? "1" : "0");
        }
    }

    /// <summary>The arguments of a level's binding for <paramref name="bit"/>: into its queue on "1", on to the level below on "0".</summary>
    public static Dictionary<string, object?> LevelBinding(int level, char bit) =>
        new() { ["x-match"] = "all", [BitHeader(level)] = bit.ToString() };

    /// <summary>
    /// The deliver exchange's one binding, to the work queue: a headers binding that names no header
    /// matches every message. (A headers exchange because earlier versions declared it so, routing
    /// on the shard a check came from; the level queues dead-letter to it by name.)
    /// </summary>
    public static Dictionary<string, object?> DeliverEverything() => new() { ["x-match"] = "all" };
}
