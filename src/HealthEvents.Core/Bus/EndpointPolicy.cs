using MassTransit;

namespace HealthEvents.Core.Bus;

/// <summary>What every check endpoint shares: prefetch, and jittered retries before the error queue.</summary>
public static class EndpointPolicy
{
    public static void ApplyCheckPolicy(this IReceiveEndpointConfigurator endpoint, BusOptions bus)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(bus);
        endpoint.PrefetchCount = bus.PrefetchCount;
        endpoint.UseMessageRetry(r => r.Exponential(
            bus.RetryLimit, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(300)));
    }
}
