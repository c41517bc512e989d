using HealthEvents.Core.Bus;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HealthEvents.Core.HealthChecks;

/// <summary>
/// The one endpoint checks run on, bound to the published message type: on RabbitMQ the work queue
/// (quorum, single active consumer; also fed by the entry queue and parking); on the in-memory
/// transport the entry queue itself. Each
/// retry is admitted by the budget again; budgets are never waited for here: a check the budget
/// defers is parked and leaves the endpoint at once.
/// </summary>
public sealed class HealthCheckRequestedConsumerDefinition(IOptions<BusOptions> bus, CheckQueues queues)
    : CheckEndpointDefinition<HealthCheckRequestedConsumer>(bus, bus.Value.Transport == BusTransport.RabbitMq ? queues.WorkQueue : bus.Value.QueueName)
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<HealthCheckRequestedConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        ArgumentNullException.ThrowIfNull(context);
        base.ConfigureConsumer(endpointConfigurator, consumerConfigurator, context);
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            foreach (var (key, value) in CheckQueues.WorkQueueArguments)
            {
                rabbit.SetQueueArgument(key, value);
            }
        }

        endpointConfigurator.UseFilter(new CheckArrivalFilter(context.GetRequiredService<CheckArrivals>(), context.GetService<WorkQueueActivity>()));
    }
}
