using HealthEvents.Core.Budgets;
using Microsoft.Extensions.Options;

namespace HealthEvents.Core.Bus;

/// <summary>
/// A process that starts receiving a shard queue may be taking it over from an instance that just
/// died, whose last Graph calls it cannot see. So for one budget window after the first delivery of
/// each ownership of a shard (<see cref="ShardOwnership"/>), it holds the Graph calls of every
/// tenant it runs there (<see cref="GraphBudget.HoldTenant"/>): by then the previous owner's calls
/// have left every window. The cost is one window (plus a margin for the dead owner's requests
/// still on the wire) each time a process becomes a shard's owner. A check delivered by a consumer
/// that has since gone away is held the same way. On the in-memory transport there is no previous
/// owner and nothing is held.
/// </summary>
public sealed class ShardTakeover(GraphBudget budget, ShardOwnership ownership, IOptions<BudgetOptions> options, IOptions<BusOptions> bus, TimeProvider time)
{
    private static readonly TimeSpan InFlightMargin = TimeSpan.FromMilliseconds(250);
    private readonly bool _sharded = bus.Value.Transport == BusTransport.RabbitMq;

    /// <summary>A check of <paramref name="custSpaceId"/> runs as the owner of <paramref name="shard"/>.</summary>
    public void Observe(Uri shard, string? custSpaceId)
    {
        ArgumentNullException.ThrowIfNull(shard);
        if (!_sharded || string.IsNullOrEmpty(custSpaceId))
        {
            return;
        }

        var now = time.GetUtcNow();
        var quietUntil = (ownership.Delivered(shard, custSpaceId) ?? now) + options.Value.Window + InFlightMargin;
        if (now < quietUntil)
        {
            budget.HoldTenant(custSpaceId, quietUntil);
        }
    }
}
