using HealthEvents.Graph.Throttling;
using Microsoft.Extensions.DependencyInjection;

namespace HealthEvents.Core.Throttling;

public static class ThrottlingRegistration
{
    /// <summary>Per-tenant rate gate for every Graph call (the Graph client's <see cref="IGraphCallGate"/>) and per-tenant concurrency for checks.</summary>
    public static IServiceCollection AddTenantThrottling(this IServiceCollection services)
    {
        services.AddOptions<ThrottlingOptions>()
            .BindConfiguration(ThrottlingOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<TenantRateGate>();
        services.AddSingleton<IGraphCallGate>(sp => sp.GetRequiredService<TenantRateGate>());
        services.AddSingleton<TenantConcurrency>();
        return services;
    }
}
