using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HealthEvents.Domain.Tenants;

public static class TenantRegistryRegistration
{
    /// <summary>Binds <c>Tenants</c>, validates it at start-up and registers <see cref="ITenantRegistry"/>.</summary>
    public static IServiceCollection AddTenantRegistry(this IServiceCollection services)
    {
        services.AddOptions<TenantsOptions>()
            .BindConfiguration(TenantsOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<TenantsOptions>, TenantsOptionsValidator>();
        services.AddSingleton<ITenantRegistry>(sp =>
            TenantRegistry.Build(sp.GetRequiredService<IOptions<TenantsOptions>>().Value));
        return services;
    }

    private sealed class TenantsOptionsValidator : IValidateOptions<TenantsOptions>
    {
        public ValidateOptionsResult Validate(string? name, TenantsOptions options)
        {
            var errors = TenantRegistry.Validate(options, null, out _);
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
