using HealthEvents.Core.Budgets;
using HealthEvents.Domain.Tenants;
using HealthEvents.Graph;
using HealthEvents.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace HealthEvents.Core.HealthChecks;

public static class HealthChecksRegistration
{
    /// <summary>
    /// Everything a check needs except the bus: tenants, their budgets, the Graph client, the store,
    /// and the check's collaborators. (Named apart from ASP.NET Core's <c>AddHealthChecks</c>.)
    /// </summary>
    public static IHostApplicationBuilder AddHealthCheckPipeline(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddTenantRegistry();
        services.AddGraphBudget();
        services.AddGraphApiClient();
        services.AddHealthEventsStorage();
        services.AddMemoryCache();
        services.AddOptions<HealthChecksOptions>()
            .BindConfiguration(HealthChecksOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<EdgeListingCache>();
        // Scoped: it holds the typed Graph HttpClient, whose handlers the factory must be free to rotate.
        services.AddScoped<NodeResolver>();
        services.AddSingleton<SnapshotRecorder>();
        services.AddSingleton<ChangePublisher>();
        services.AddSingleton<CheckCoalescer>();
        services.AddSingleton<AnswerMemory>();
        services.AddHostedService(sp => sp.GetRequiredService<AnswerMemory>());
        services.AddScoped<HealthCheckProcessor>();
        services.AddMetrics();
        services.TryAddSingleton<Telemetry.HealthEventsMetrics>();
        services.TryAddSingleton<Parking.ParkedChecks>();
        services.TryAddSingleton<CheckStatusBook>();
        return builder;
    }
}
