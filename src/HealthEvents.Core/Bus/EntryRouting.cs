using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HealthEvents.Core.Bus;

/// <summary>
/// On RabbitMQ, one instance at a time reads the entry queue: the holder of the
/// <see cref="RouterLease"/>. Shards are owned the same way (the first instance to subscribe), so
/// the router is usually the owner of every shard and runs each check where it read it; an
/// instance that owns nothing would only forward what it read, one more broker trip per check on
/// the same machines the owner needs.
/// <para>
/// Every instance starts reading the entry queue (nothing waits for a lease at start-up) and sends
/// a ping every <c>Bus:RouterLeaseInterval</c>. It stops reading once it has gone a lease timeout
/// without receiving one while its own lease endpoint listens (its pings then reach the holder),
/// and starts again as soon as pings reach it (the holder has gone) or its lease endpoint stops
/// listening. Only efficiency depends on this: any instance routes correctly, so two reading at
/// once during a hand-over is harmless, and checks wait in the entry queue meanwhile.
/// <c>Bus:SingleRouter</c> = false has every instance read the entry queue.
/// </para>
/// </summary>
public sealed class EntryRouting(
    IReceiveEndpointConnector connector,
    IBus bus,
    RouterLease lease,
    CheckQueues queues,
    IOptions<BusOptions> options,
    TimeProvider time,
    ILogger<EntryRouting> logger) : BackgroundService
{
    /// <summary>How long start-up waits for the entry queue's endpoint (the bus itself is connected by then).</summary>
    private static readonly TimeSpan EntryReadyTimeout = TimeSpan.FromSeconds(30);

    private readonly string _sender = $"{Environment.MachineName}/{Environment.ProcessId}";
    private HostReceiveEndpointHandle? _entry;
    private DateTimeOffset _readingSince;

    /// <summary>
    /// Reads the entry queue before the host counts as started: connecting the endpoint declares the
    /// entry queue and binds it to the published message type, and on a new broker a check
    /// published before that binding exists would be dropped.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        StartReading();
        try
        {
            await _entry!.Ready.WaitAsync(EntryReadyTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("{Queue} is not ready after {Timeout}; starting anyway, it keeps connecting", queues.EntryQueue, EntryReadyTimeout);
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.SingleRouter)
        {
            return;
        }

        var pings = await bus.GetSendEndpoint(queues.RouterLeaseExchangeAddress);
        using var timer = new PeriodicTimer(options.Value.RouterLeaseInterval, time);
        do
        {
            try
            {
                await pings.Send(new RouterLeasePing(_sender), send =>
                {
                    send.Durable = false;
                    send.TimeToLive = options.Value.RouterLeaseTimeout;
                }, stoppingToken);
                await FollowLeaseAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The broker is away: the bus reconnects, and whoever reads the entry queue keeps reading.
                logger.LogDebug(ex, "Router lease ping not sent");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task FollowLeaseAsync(CancellationToken cancellationToken)
    {
        if (!lease.AnotherHolds && _entry is null)
        {
            StartReading();
            logger.LogInformation("This instance reads {Queue} again (router lease held: {Held})", queues.EntryQueue, lease.IsHeld);
        }
        else if (lease.AnotherHolds && _entry is not null && time.GetUtcNow() - _readingSince > options.Value.RouterLeaseTimeout)
        {
            var entry = _entry;
            _entry = null;
            await entry.StopAsync(cancellationToken);
            logger.LogInformation("Another instance holds the router lease and reads {Queue}; this one stands by", queues.EntryQueue);
        }
    }

    private void StartReading()
    {
        // Not waiting for it to be ready: with the broker away the endpoint keeps reconnecting on its own.
        _entry = connector.ConnectReceiveEndpoint(queues.EntryQueue, (context, endpoint) => endpoint.ConfigureConsumer<ShardRouter>(context));
        _readingSince = time.GetUtcNow();
    }
}
