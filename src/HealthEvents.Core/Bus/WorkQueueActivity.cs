using MassTransit;
using Microsoft.Extensions.Logging;

namespace HealthEvents.Core.Bus;

/// <summary>
/// Since when this process has been the work queue's active consumer. RabbitMQ does not tell a
/// consumer it became the single active one, but only the active one receives, and the broker moves
/// the role only when that consumer goes away: so the first delivery after the endpoint became
/// ready starts it, and a stop, fault or restart of the endpoint ends it.
/// </summary>
public sealed class WorkQueueActivity(CheckQueues queues, TimeProvider time, ILogger<WorkQueueActivity> logger) : IReceiveEndpointObserver
{
    private readonly Lock _lock = new();
    private DateTimeOffset? _since;
    private bool _released;

    /// <summary>
    /// A check was delivered on the work queue: since when this process is its active consumer, or
    /// null when the endpoint has stopped or faulted since (the delivery came through a consumer the
    /// broker has let go). The first delivery counts from when the transport received it, not from
    /// when it reached this filter: on a standby that has never received, deserializing and the
    /// consume pipe are compiled in between, and the broker had handed the role over before either.
    /// </summary>
    public DateTimeOffset? Delivered(TimeSpan receivedAgo)
    {
        lock (_lock)
        {
            if (_released)
            {
                return null;
            }

            if (_since is null)
            {
                _since = time.GetUtcNow() - receivedAgo;
                logger.LogInformation("This instance is now the active consumer of {WorkQueue} since its first check arrived {ReceivedAgo} ms ago: the budget's takeover hold starts", queues.WorkQueue, (int)receivedAgo.TotalMilliseconds);
            }

            return _since;
        }
    }

    /// <summary>Since when this process is the work queue's active consumer, or null when it has not received there since its endpoint became ready.</summary>
    public DateTimeOffset? ActiveSince
    {
        get
        {
            lock (_lock)
            {
                return _released ? null : _since;
            }
        }
    }

    public Task Ready(ReceiveEndpointReady ready) => Change(ready, released: false);

    public Task Stopping(ReceiveEndpointStopping stopping) => Change(stopping, released: true);

    public Task Completed(ReceiveEndpointCompleted completed) => Change(completed, released: true);

    public Task Faulted(ReceiveEndpointFaulted faulted) => Change(faulted, released: true);

    private Task Change(ReceiveEndpointEvent endpoint, bool released)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (endpoint.InputAddress.Segments[^1] == queues.WorkQueue)
        {
            lock (_lock)
            {
                _released = released;
                _since = null;
            }
        }

        return Task.CompletedTask;
    }
}
