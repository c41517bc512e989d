using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HealthEvents.Gate;

/// <summary>How a sender adds the gate to its services.</summary>
public static class GateRegistration
{
    /// <summary>
    /// Registers <see cref="IHealthGate"/>: a receive endpoint for <c>HealthStatusChanged</c> on the
    /// sender's own MassTransit bus (call after <c>AddMassTransit</c>), the view it feeds, the load
    /// on start and the readiness check <c>healthevents-gate</c>.
    /// </summary>
    public static IServiceCollection AddHealthEventsGate(this IServiceCollection services, Action<HealthGateOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new HealthGateOptions();
        configure?.Invoke(options);
        options.Validate();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton<HealthView>();
        services.AddSingleton<GateReadiness>();
        services.AddSingleton<HealthEventsQueryApi>();
        services.AddSingleton<IHealthGate, HealthGate>();
        services.AddHostedService<GateStartup>();
        services.AddHealthChecks().AddCheck<GateReadiness>("healthevents-gate", tags: ["ready"]);
        return services;
    }
}
