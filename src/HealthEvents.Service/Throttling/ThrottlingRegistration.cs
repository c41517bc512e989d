using HealthEvents.Graph.Throttling;
using Microsoft.Extensions.DependencyInjection;

namespace HealthEvents.Service.Throttling;

public static class ThrottlingRegistration
{
    /// <summary>Per-tenant rate gate for every Graph call and per-tenant concurrency for checks. Register before the Graph client.</summary>
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
