using MassTransit;
using MassTransit.Configuration;

namespace HealthEvents.Core.Throttling;

/// <summary>
/// Runs at most the tenant's <c>MaxConcurrency</c> contexts at once. Contexts whose tenant cannot
/// be named (the key selector returns null) pass straight through: the consumer rejects them
/// without any Graph call, so they need no budget. Generic over the pipe context so it can be
/// specified at the pipe level, without a bus.
/// </summary>
public sealed class TenantConcurrencyFilter<TContext>(TenantConcurrency concurrency, Func<TContext, string?> tenantOf)
    : IFilter<TContext>
    where TContext : class, PipeContext
{
    public async Task Send(TContext context, IPipe<TContext> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
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

public sealed class TenantConcurrencySpecification<TContext>(TenantConcurrency? concurrency, Func<TContext, string?>? tenantOf)
    : IPipeSpecification<TContext>
    where TContext : class, PipeContext
{
    public void Apply(IPipeBuilder<TContext> builder) =>
        builder.AddFilter(new TenantConcurrencyFilter<TContext>(concurrency!, tenantOf!));

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
    /// <summary>Limits how many contexts of one tenant (named by <paramref name="tenantOf"/>) run at once.</summary>
    public static void UseTenantConcurrency<TContext>(this IPipeConfigurator<TContext> configurator,
        TenantConcurrency concurrency, Func<TContext, string?> tenantOf)
        where TContext : class, PipeContext
    {
        ArgumentNullException.ThrowIfNull(configurator);
        configurator.AddPipeSpecification(new TenantConcurrencySpecification<TContext>(concurrency, tenantOf));
    }
}
