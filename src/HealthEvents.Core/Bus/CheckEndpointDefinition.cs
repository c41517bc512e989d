using HealthEvents.Core.HealthChecks;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HealthEvents.Core.Bus;

/// <summary>
/// What every check endpoint shares: the entry queue's documented name (where the consumer is
/// configured by convention), how many messages run at once, prefetch, and jittered retries for
/// transient failures before <c>{queue}_error</c>, behind the <see cref="RequestGate"/>: a request
/// that cannot be read as one is rejected; bytes that are not a message at all land in the error queue.
/// </summary>
public abstract class CheckEndpointDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    private readonly BusOptions _bus;

    protected CheckEndpointDefinition(IOptions<BusOptions> bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        _bus = bus.Value;
        EndpointName = _bus.QueueName;
        ConcurrentMessageLimit = _bus.ConcurrentMessageLimit;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<TConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        endpointConfigurator.PrefetchCount = _bus.PrefetchCount;
        // Before MassTransit reads the body: requests that cannot be read as one are answered, not faulted.
        var gate = new RequestGate(context.GetRequiredService<ILogger<RequestGate>>());
        endpointConfigurator.ConfigureReceive(r => r.UseFilter(gate));
        CheckRetry.Use(endpointConfigurator, _bus);
    }
}

/// <summary>
/// Jittered exponential retries (<c>Bus:RetryLimit</c>) for a check that failed for a reason other
/// than Meta (the store, the broker), before the error queue: every endpoint a check runs on.
/// </summary>
public static class CheckRetry
{
    public static void Use(IReceiveEndpointConfigurator endpoint, BusOptions bus)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(bus);
        endpoint.UseMessageRetry(r => r.Exponential(
            bus.RetryLimit, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(300)));
    }
}
