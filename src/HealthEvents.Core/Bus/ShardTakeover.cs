using System.Collections.Concurrent;
using HealthEvents.Core.Budgets;
using Microsoft.Extensions.Options;

namespace HealthEvents.Core.Bus;

/// <summary>
/// A process that starts receiving a shard queue may be taking it over from an instance that just
/// died, whose last Graph calls it cannot see. So for one budget window after its first delivery on
/// a shard, it holds the Graph calls of every tenant it receives there (<see cref="GraphBudget.HoldTenant"/>):
/// by then the previous owner's calls have left every window. The cost is one window (plus a
/// margin for the dead owner's requests still on the wire) once per shard per process. On the
/// in-memory transport there is no previous owner and nothing is held.
/// </summary>
public sealed class ShardTakeover(GraphBudget budget, IOptions<BudgetOptions> options, IOptions<BusOptions> bus, TimeProvider time)
{
    private readonly ConcurrentDictionary<Uri, DateTimeOffset> _firstDelivery = new();
    private static readonly TimeSpan InFlightMargin = TimeSpan.FromMilliseconds(250);
    private readonly bool _sharded = bus.Value.Transport == BusTransport.RabbitMq;

    public void Observe(Uri shard, string? custSpaceId)
    {
        ArgumentNullException.ThrowIfNull(shard);
        if (!_sharded || string.IsNullOrEmpty(custSpaceId))
        {
            return;
        }

        var now = time.GetUtcNow();
        var quietUntil = _firstDelivery.GetOrAdd(shard, now) + options.Value.Window + InFlightMargin;
        if (now < quietUntil)
        {
            budget.HoldTenant(custSpaceId, quietUntil);
        }
    }
}
