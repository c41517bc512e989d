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
    public async Task PublishAsync(IPublishEndpoint publisher, StoredChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(publisher);
        ArgumentNullException.ThrowIfNull(change);
        var messageId = DerivedMessageIds.ForChange(change.Key, change.Version);
        // Awaited without MassTransit's in-memory outbox: on RabbitMQ the publish returns once the
        // broker confirmed it, and only then is the change marked published.
        await publisher.Publish(OutcomeEvents.Changed(change), context => context.MessageId = messageId, cancellationToken);
        await store.MarkDispatchedAsync(change.Key, change.Version, cancellationToken);
    }
}
