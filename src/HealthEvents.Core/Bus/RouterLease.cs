using MassTransit;
using Microsoft.Extensions.Options;

namespace HealthEvents.Core.Bus;

/// <summary>
/// Whether this process holds the router lease: it received a <see cref="RouterLeasePing"/> within
/// the last <see cref="BusOptions.RouterLeaseTimeout"/>. Every instance sends pings to one queue with
/// a single active consumer; only the active consumer receives them, so only one instance holds the
/// lease at a time, and when it goes the broker hands the queue, and with it the pings, to the next.
/// While this process's own lease endpoint is listening, its pings reach whichever instance holds
/// the lease, so not holding it proves another instance does (<see cref="AnotherHolds"/>).
/// </summary>
public sealed class RouterLease(CheckQueues queues, IOptions<BusOptions> bus, TimeProvider time) : IReceiveEndpointObserver
{
    private long _renewedAtTicks = long.MinValue;
    private volatile bool _listening;

    public void Renew() => Interlocked.Exchange(ref _renewedAtTicks, time.GetUtcNow().UtcTicks);

    public bool IsHeld
    {
        get
        {
            var renewedAt = Interlocked.Read(ref _renewedAtTicks);
            return renewedAt != long.MinValue && time.GetUtcNow().UtcTicks - renewedAt <= bus.Value.RouterLeaseTimeout.Ticks;
        }
    }

    /// <summary>Another instance holds the lease: this one listens on the lease queue, and its pings have not reached it.</summary>
    public bool AnotherHolds => _listening && !IsHeld;

    public Task Ready(ReceiveEndpointReady ready) => Listening(ready, true);

    public Task Stopping(ReceiveEndpointStopping stopping) => Listening(stopping, false);

    public Task Completed(ReceiveEndpointCompleted completed) => Listening(completed, false);

    public Task Faulted(ReceiveEndpointFaulted faulted) => Listening(faulted, false);

    private Task Listening(ReceiveEndpointEvent endpoint, bool listening)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (QueueAddresses.NameOf(endpoint.InputAddress) == queues.RouterLeaseQueue)
        {
            _listening = listening;
        }

        return Task.CompletedTask;
    }
}

/// <summary>A router lease ping: the message carries nothing but who sent it.</summary>
public sealed record RouterLeasePing(string Sender);

/// <summary>Renews the lease: this process receives the pings, so it is the lease queue's active consumer.</summary>
public sealed class RouterLeaseConsumer(RouterLease lease) : IConsumer<RouterLeasePing>
{
    public Task Consume(ConsumeContext<RouterLeasePing> context)
    {
        lease.Renew();
        return Task.CompletedTask;
    }
}

/// <summary>
/// The lease queue's endpoint: single active consumer, fed only by pings (sent through its own
/// exchange; each expires unread after one lease timeout, so none pile up).
/// </summary>
public sealed class RouterLeaseConsumerDefinition : ConsumerDefinition<RouterLeaseConsumer>
{
    public RouterLeaseConsumerDefinition(CheckQueues queues)
    {
        ArgumentNullException.ThrowIfNull(queues);
        EndpointName = queues.RouterLeaseQueue;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<RouterLeaseConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        endpointConfigurator.PrefetchCount = 16;
        endpointConfigurator.ConfigureConsumeTopology = false;
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.SetQueueArgument(RabbitMqCheckTopology.SingleActiveConsumer.Key, RabbitMqCheckTopology.SingleActiveConsumer.Value);
        }
    }
}
