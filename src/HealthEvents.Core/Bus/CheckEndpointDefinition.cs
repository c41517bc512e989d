using HealthEvents.Core.HealthChecks;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HealthEvents.Core.Bus;

/// <summary>
/// What every endpoint a check arrives on shares: how many messages run at once, prefetch, and
/// <see cref="CheckRetry"/> before <c>{entry}_error</c>, behind the <see cref="RequestGate"/>: a request that
/// cannot be read as one is rejected; bytes that are not a message at all land in the error queue.
/// </summary>
public abstract class CheckEndpointDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    protected CheckEndpointDefinition(IOptions<BusOptions> bus, string endpointName)
    {
        ArgumentNullException.ThrowIfNull(bus);
        Bus = bus.Value;
        EndpointName = endpointName;
        ConcurrentMessageLimit = Bus.ConcurrentMessageLimit;
    }

    protected BusOptions Bus { get; }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<TConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        ArgumentNullException.ThrowIfNull(context);
        endpointConfigurator.PrefetchCount = Bus.PrefetchCount;
        // Before MassTransit reads the body: requests that cannot be read as one are answered, not faulted.
        var gate = new RequestGate(context.GetRequiredService<ILogger<RequestGate>>());
        endpointConfigurator.ConfigureReceive(r => r.UseFilter(gate));
        CheckRetry.Use(endpointConfigurator, Bus);
    }
}

/// <summary>
/// Jittered exponential retries (<c>Bus:RetryLimit</c>) for a check that failed for a reason other
/// than Meta (the store, the broker), before the error queue: every endpoint a check passes.
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
