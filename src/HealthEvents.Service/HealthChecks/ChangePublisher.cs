using System.Security.Cryptography;
using System.Text;
using HealthEvents.Contracts;
using HealthEvents.Domain.HealthChecks;
using HealthEvents.Storage;
using MassTransit;

namespace HealthEvents.Service.HealthChecks;

/// <summary>
/// Publishes a stored change and then marks it published. The MessageId is derived from node and
/// version, so a change published twice (the check and the outbox sweep racing, or a crash before
/// the mark) is the same message twice, which subscribers and MassTransit's inbox can drop.
/// </summary>
public sealed class ChangePublisher(IHealthStore store)
{
    public async Task PublishAsync(IPublishEndpoint publisher, HealthStatusChanged change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(publisher);
        ArgumentNullException.ThrowIfNull(change);
        var messageId = MessageIdFor(change);
        // Awaited without MassTransit's in-memory outbox: on RabbitMQ the publish returns once the
        // broker confirmed it, and only then is the change marked published.
        await publisher.Publish(change, context => context.MessageId = messageId, cancellationToken);
        await store.MarkDispatchedAsync(new NodeKey(change.CustSpaceId, change.NodeType, change.NodeId), change.Version, cancellationToken);
    }

    public static Guid MessageIdFor(HealthStatusChanged change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{change.CustSpaceId}\n{change.NodeType}\n{change.NodeId}\n{change.Version}"));
        return new Guid(hash.AsSpan(0, 16));
    }
}
