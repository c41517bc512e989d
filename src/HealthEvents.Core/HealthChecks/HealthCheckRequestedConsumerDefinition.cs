using HealthEvents.Core.Bus;
using Microsoft.Extensions.Options;

namespace HealthEvents.Core.HealthChecks;

/// <summary>
/// The check consumer's endpoint policy: on the in-memory transport it runs on the entry queue; on
/// RabbitMQ on every shard queue (see <see cref="BusRegistration"/>). Each retry is admitted by the
/// budget again; budgets are never waited for here: a check the budget defers is parked and leaves
/// the endpoint at once.
/// </summary>
public sealed class HealthCheckRequestedConsumerDefinition(IOptions<BusOptions> bus)
    : CheckEndpointDefinition<HealthCheckRequestedConsumer>(bus);
