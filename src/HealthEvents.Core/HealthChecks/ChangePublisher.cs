using System.Collections.Concurrent;
using HealthEvents.Domain.HealthChecks;
using HealthEvents.Storage;
using MassTransit;

namespace HealthEvents.Core.HealthChecks;

/// <summary>
/// Publishes a stored change as <c>HealthStatusChanged</c> and then marks it published. The
/// MessageId is derived from node and version (<see cref="DerivedMessageIds"/>), so a change
/// published twice (the check and the outbox sweep racing, or a crash before the mark) is the same
/// message twice.
/// </summary>
public sealed class ChangePublisher(IHealthStore store)
{
    private readonly ConcurrentDictionary<(NodeKey Key, long Version), bool> _orphaned = new();

    /// <summary>
    /// True when publishing this stored change failed here and nothing has published it since. The
    /// check that stored it will not try again (its retry finds the change stored, not new), so the
    /// outbox sweep takes it at once instead of waiting out its grace.
    /// </summary>
    public bool IsOrphaned(NodeKey key, long version) => _orphaned.ContainsKey((key, version));

    public async Task PublishAsync(IPublishEndpoint publisher, StoredChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(publisher);
        ArgumentNullException.ThrowIfNull(change);
        var messageId = DerivedMessageIds.ForChange(change.Key, change.Version);
        // Awaited without MassTransit's in-memory outbox: on RabbitMQ the publish returns once the
        // broker confirmed it, and only then is the change marked published.
        try
        {
            await publisher.Publish(OutcomeEvents.Changed(change), context => context.MessageId = messageId, cancellationToken);
        }
        catch
        {
            _orphaned[(change.Key, change.Version)] = true;
            throw;
        }

        _orphaned.TryRemove((change.Key, change.Version), out _);
        await store.MarkDispatchedAsync(change.Key, change.Version, cancellationToken);
    }
}
