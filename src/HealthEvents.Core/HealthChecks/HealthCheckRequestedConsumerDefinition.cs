using HealthEvents.Core.Bus;
using MassTransit;
using Microsoft.Extensions.Options;

namespace HealthEvents.Core.HealthChecks;

/// <summary>
/// Endpoint policy for the checks: on the in-memory transport the consumer runs on the entry queue
/// (its documented name); on RabbitMQ on every shard queue (see <see cref="BusRegistration"/>). How
/// many messages run at once and
/// jittered retries for transient failures (each retry is admitted by the budget again). Budgets
/// are not waited for here: a check the budget defers is parked and leaves the endpoint at once.
/// Messages that still fail land in <c>{queue}_error</c> with the exception; unreadable ones land
/// there straight away.
/// </summary>
public sealed class HealthCheckRequestedConsumerDefinition : ConsumerDefinition<HealthCheckRequestedConsumer>
{
    private readonly BusOptions _bus;

    public HealthCheckRequestedConsumerDefinition(IOptions<BusOptions> bus)
    {
        _bus = bus.Value;
        EndpointName = _bus.QueueName;
        ConcurrentMessageLimit = _bus.ConcurrentMessageLimit;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<HealthCheckRequestedConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.ApplyCheckPolicy(_bus);
    }
}
