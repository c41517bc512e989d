using HealthEvents.Contracts;
using HealthEvents.Domain.Tenants;
using HealthEvents.Core.Bus;
using HealthEvents.Core.Throttling;
using MassTransit;
using Microsoft.Extensions.Options;

namespace HealthEvents.Core.HealthChecks;

/// <summary>
/// Endpoint policy for the check queue: its documented name, how many messages run at once,
/// jittered retries for transient failures (each retry passes the tenant's budget again), and the
/// per-tenant concurrency filter. Messages that still fail land in <c>{queue}_error</c> with the
/// exception; unreadable ones land there straight away.
/// </summary>
public sealed class HealthCheckRequestedConsumerDefinition : ConsumerDefinition<HealthCheckRequestedConsumer>
{
    private readonly BusOptions _bus;
    private readonly TenantConcurrency _concurrency;
    private readonly ITenantRegistry _tenants;

    public HealthCheckRequestedConsumerDefinition(IOptions<BusOptions> bus, TenantConcurrency concurrency, ITenantRegistry tenants)
    {
        _bus = bus.Value;
        _concurrency = concurrency;
        _tenants = tenants;
        EndpointName = _bus.QueueName;
        ConcurrentMessageLimit = _bus.ConcurrentMessageLimit;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<HealthCheckRequestedConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.PrefetchCount = _bus.PrefetchCount;
        endpointConfigurator.UseMessageRetry(r => r.Exponential(
            _bus.RetryLimit, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(300)));

        // Unknown or malformed tenants are not limited: the consumer rejects them without a Graph call.
        consumerConfigurator.Message<HealthCheckRequested>(m => m.UseTenantConcurrency(_concurrency,
            c => c.Message.CustSpaceId is { } id && _tenants.TryGet(id, out _) ? id : null));
    }
}
