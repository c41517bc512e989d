using HealthEvents.Contracts;
using HealthEvents.Core.Bus;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace HealthEvents.Core.Parking;

/// <summary>
/// Parks a check in the delay levels of <see cref="RabbitMqParkingTopology"/>: the message is
/// forwarded (same MessageId, reply address and headers) to the entry exchange with the delay's
/// routing key, and the broker confirms the copy before the original is acknowledged. A crash
/// between the two can deliver the check twice, never zero times. The topology is declared once,
/// before the first park.
/// </summary>
public sealed class RabbitMqParking(IOptions<BusOptions> bus, TimeProvider time, ILogger<RabbitMqParking> logger) : ICheckParking, IDisposable
{
    private readonly RabbitMqParkingTopology _topology = new(bus.Value.QueueName);
    private readonly SemaphoreSlim _declare = new(1, 1);
    private volatile bool _declared;

    public async Task ParkAsync(ConsumeContext<HealthCheckRequested> context, ParkingTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(ticket);
        await EnsureTopologyAsync(context.CancellationToken);
        var routingKey = _topology.RoutingKey(ticket.Until - time.GetUtcNow());
        var entry = new Uri($"exchange:{_topology.EntryExchange}?type=topic&durable=true");
        await context.Forward(entry, Pipe.Execute<SendContext<HealthCheckRequested>>(send =>
        {
            ticket.Stamp(send);
            send.SetRoutingKey(routingKey);
        }));
    }

    public void Dispose() => _declare.Dispose();

    private async Task EnsureTopologyAsync(CancellationToken cancellationToken)
    {
        if (_declared)
        {
            return;
        }

        await _declare.WaitAsync(cancellationToken);
        try
        {
            if (!_declared)
            {
                await DeclareAsync(cancellationToken);
                _declared = true;
            }
        }
        finally
        {
            _declare.Release();
        }
    }

    private async Task DeclareAsync(CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory { Uri = bus.Value.RabbitMqUri, ClientProvidedName = "healthevents-parking-topology" };
        if (bus.Value.UsesDefaultCredentials)
        {
            (factory.UserName, factory.Password) = BusOptions.DefaultCredentials;
        }

        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);

        // The input queue's own exchange, as MassTransit declares it (fanout, durable): the final hop.
        await channel.ExchangeDeclareAsync(_topology.InputQueue, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.ExchangeDeclareAsync(_topology.DeliverExchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.ExchangeBindAsync(_topology.InputQueue, _topology.DeliverExchange, "#." + _topology.InputQueue, cancellationToken: cancellationToken);

        for (var level = 0; level < RabbitMqParkingTopology.Levels; level++)
        {
            var name = _topology.LevelName(level);
            await channel.ExchangeDeclareAsync(name, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken);
            await channel.QueueDeclareAsync(name, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?>
            {
                ["x-queue-type"] = "classic",
                ["x-message-ttl"] = (long)RabbitMqParkingTopology.LevelTtl(level).TotalMilliseconds,
                ["x-dead-letter-exchange"] = _topology.Below(level),
            }, cancellationToken: cancellationToken);
            await channel.QueueBindAsync(name, name, RabbitMqParkingTopology.Pattern(level, '1'), cancellationToken: cancellationToken);
        }

        // Bound after every level exists, lowest first, so a 0 bit always has somewhere to go.
        for (var level = 0; level < RabbitMqParkingTopology.Levels; level++)
        {
            await channel.ExchangeBindAsync(_topology.Below(level), _topology.LevelName(level), RabbitMqParkingTopology.Pattern(level, '0'), cancellationToken: cancellationToken);
        }

        logger.LogInformation("Parking topology ready: {Levels} delay levels of {Unit} ms to {Max} before {Queue}",
            RabbitMqParkingTopology.Levels, RabbitMqParkingTopology.Unit.TotalMilliseconds, RabbitMqParkingTopology.MaxDelay, _topology.InputQueue);
    }
}
