using MassTransit;
using MassTransit.Configuration;

namespace HealthEvents.Core.Throttling;

/// <summary>
/// Runs at most the tenant's <c>MaxConcurrency</c> checks at once. Messages whose tenant cannot be
/// named (the key selector returns null) pass straight through: the consumer rejects them without
/// any Graph call, so they need no budget.
/// </summary>
public sealed class TenantConcurrencyFilter<T>(TenantConcurrency concurrency, Func<ConsumeContext<T>, string?> tenantOf)
    : IFilter<ConsumeContext<T>>
    where T : class
{
    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        var tenant = tenantOf(context);
        if (tenant is null)
        {
            await next.Send(context);
            return;
        }

        using var lease = await concurrency.AcquireAsync(tenant, context.CancellationToken);
        await next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("tenantConcurrency");
}

public sealed class TenantConcurrencySpecification<T>(TenantConcurrency? concurrency, Func<ConsumeContext<T>, string?>? tenantOf)
    : IPipeSpecification<ConsumeContext<T>>
    where T : class
{
    public void Apply(IPipeBuilder<ConsumeContext<T>> builder) =>
        builder.AddFilter(new TenantConcurrencyFilter<T>(concurrency!, tenantOf!));

    public IEnumerable<ValidationResult> Validate()
    {
        if (concurrency is null)
        {
            yield return this.Failure("TenantConcurrency", "must not be null");
        }

        if (tenantOf is null)
        {
            yield return this.Failure("TenantKey", "must not be null");
        }
    }
}

public static class TenantConcurrencyConfigurationExtensions
{
    /// <summary>Limits how many messages of one tenant (named by <paramref name="tenantOf"/>) are consumed at once.</summary>
    public static void UseTenantConcurrency<T>(this IPipeConfigurator<ConsumeContext<T>> configurator,
        TenantConcurrency concurrency, Func<ConsumeContext<T>, string?> tenantOf)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(configurator);
        configurator.AddPipeSpecification(new TenantConcurrencySpecification<T>(concurrency, tenantOf));
    }
}
