using HealthEvents.Contracts;
using HealthEvents.Core.Parking;
using MassTransit;
using Microsoft.Extensions.Options;

namespace HealthEvents.Core.Bus;

/// <summary>
/// Reads the entry queue on RabbitMQ (checks sent to it directly), on every instance, and moves each check unchanged (MessageId,
/// reply address, headers) into the work queue, where the active instance runs it. The original is
/// acknowledged only after the broker confirmed the copy. The copy keeps when the check was first
/// asked (<see cref="ParkingHeaders.AskedAt"/>). Invalid checks move too: the consumer rejects them
/// with a reason.
/// </summary>
public sealed class EntryForwarder(CheckQueues queues, TimeProvider time) : IConsumer<HealthCheckRequested>
{
    public Task Consume(ConsumeContext<HealthCheckRequested> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var askedAt = ParkingHeaders.AskedAtOf(context, time.GetUtcNow());
        return context.Forward(queues.WorkAddress, Pipe.Execute<SendContext<HealthCheckRequested>>(
            send => ParkingHeaders.Write(send.Headers, ParkingHeaders.AskedAt, askedAt)));
    }
}

/// <summary>The entry queue's endpoint: its documented name; fed only by direct sends (the published type is bound to the work queue).</summary>
public sealed class EntryForwarderDefinition(IOptions<BusOptions> bus)
    : CheckEndpointDefinition<EntryForwarder>(bus, bus.Value.QueueName)
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<EntryForwarder> consumerConfigurator, IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        endpointConfigurator.ConfigureConsumeTopology = false;
        base.ConfigureConsumer(endpointConfigurator, consumerConfigurator, context);
    }
}
