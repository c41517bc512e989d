using System.Globalization;
using System.Text;

namespace HealthEvents.Core.Parking;

/// <summary>
/// The delay queues a parked check waits in on RabbitMQ, without the delayed-message plugin.
/// <para>
/// RabbitMQ expires a message only at the head of its queue, so per-message TTLs cannot be mixed in
/// one queue. Instead there are <see cref="Levels"/> levels; level <c>n</c> is a topic exchange and a
/// queue whose queue-level TTL is <see cref="Unit"/> × 2ⁿ, so every message in it expires in arrival
/// order. A delay is written in binary into the routing key, one word per level from the highest
/// (<c>0.0.1.0.….1.{destination}</c>). A message enters at the top exchange; each level's exchange
/// routes it into its queue when its bit is 1 (the queue dead-letters it, key unchanged, to the next
/// level's exchange when the TTL runs out) or straight on to the next level when it is 0. After
/// level 0 the deliver exchange routes on the trailing destination (the shard queue the check was
/// parked from) back to that queue. One set of levels serves every shard of an entry queue. Nothing reads a parked message before its time; it is late by at most the broker's
/// hops, never early (delays round up to the unit). The level queues are quorum queues that
/// dead-letter at least once, so a broker restart mid-hop cannot lose a parked check (it may
/// deliver it twice, which the check's derived answer ids absorb).
/// </para>
/// </summary>
public sealed class RabbitMqParkingTopology
{
    public RabbitMqParkingTopology(string entryQueue)
    {
        ArgumentException.ThrowIfNullOrEmpty(entryQueue);
        EntryQueue = entryQueue;
        EntryExchangeAddress = new Uri($"exchange:{EntryExchange}?type=topic&durable=true");
        DeliverExchangeAddress = new Uri($"exchange:{DeliverExchange}?type=topic&durable=true");
        // Through the queue's own exchange: a queue: address would have MassTransit declare the
        // queue without its single-active-consumer argument, which the broker refuses.
        NearExchangeAddress = new Uri($"exchange:{NearQueue}?type=fanout&durable=true");
    }

    /// <summary>The smallest delay step.</summary>
    public static readonly TimeSpan Unit = TimeSpan.FromMilliseconds(100);

    public const int Levels = 16;

    /// <summary>The longest delay the levels can express (about 1 h 49 min).</summary>
    public static readonly TimeSpan MaxDelay = Unit * ((1 << Levels) - 1);

    /// <summary>The entry queue the levels are named after.</summary>
    public string EntryQueue { get; }

    /// <summary>Where a parked message is sent: the highest level's exchange.</summary>
    public string EntryExchange => LevelName(Levels - 1);

    public string DeliverExchange => $"{EntryQueue}.park.deliver";

    /// <summary>
    /// The near parking queue (classic, durable): checks parked for a short while wait here, each held
    /// by a service process until it is due (<see cref="NearParkedCheckConsumer"/>).
    /// </summary>
    public string NearQueue => $"{EntryQueue}.park.near";

    /// <summary>Where parking sends a check for the levels (<see cref="EntryExchange"/>), as a MassTransit address.</summary>
    public Uri EntryExchangeAddress { get; }

    /// <summary>Where a check is sent to go back to the queue named by its routing key (<see cref="DeliverExchange"/>).</summary>
    public Uri DeliverExchangeAddress { get; }

    /// <summary>Where parking sends a check for the near queue (<see cref="NearQueue"/>).</summary>
    public Uri NearExchangeAddress { get; }

    /// <summary>Level <paramref name="level"/>'s exchange (and the name its classic queue had before the levels became quorum queues).</summary>
    public string LevelName(int level) => string.Create(CultureInfo.InvariantCulture, $"{EntryQueue}.park.{level:00}");

    /// <summary>
    /// Level <paramref name="level"/>'s queue: a quorum queue, because only quorum queues dead-letter
    /// at least once (a classic queue's expiry hand-over to the next level is unconfirmed, and a
    /// broker stopping at that moment loses the check).
    /// </summary>
    public string LevelQueueName(int level) => LevelName(level) + ".qq";

    /// <summary>Where level <paramref name="level"/>'s queue dead-letters to, and where its 0-bit messages go.</summary>
    public string Below(int level) => level == 0 ? DeliverExchange : LevelName(level - 1);

    public static TimeSpan LevelTtl(int level) => Unit * (1 << level);

    /// <summary>Units of delay, rounded up so a check never comes back early; at least one, at most <see cref="MaxDelay"/>.</summary>
    public static int UnitsFor(TimeSpan delay) =>
        (int)Math.Clamp(Math.Ceiling(delay / Unit), 1, (1 << Levels) - 1);

    /// <summary>The routing key that takes a message through the levels for <paramref name="delay"/> and then to <paramref name="destinationQueue"/>.</summary>
    public static string RoutingKey(TimeSpan delay, string destinationQueue)
    {
        ArgumentException.ThrowIfNullOrEmpty(destinationQueue);
        var units = UnitsFor(delay);
        var key = new StringBuilder(Levels * 2 + destinationQueue.Length);
        for (var level = Levels - 1; level >= 0; level--)
        {
            key.Append((units >> level & 1) == 1 ? '1' : '0').Append('.');
        }

        return key.Append(destinationQueue).ToString();
    }

    /// <summary>The deliver exchange's binding pattern for messages bound for <paramref name="destinationQueue"/>.</summary>
    public static string DeliveryPattern(string destinationQueue) => "#." + destinationQueue;

    /// <summary>The binding pattern of level <paramref name="level"/> for messages whose bit there is <paramref name="bit"/>.</summary>
    public static string Pattern(int level, char bit) =>
        string.Concat(Enumerable.Repeat("*.", Levels - 1 - level)) + bit + ".#";
}
