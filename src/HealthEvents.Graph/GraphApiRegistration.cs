using HealthEvents.Graph.Errors;
using HealthEvents.Graph.Throttling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace HealthEvents.Graph;

public static class GraphApiRegistration
{
    /// <summary>Largest Graph answer read into memory; a health_status answer is a few kilobytes.</summary>
    public const long MaxResponseBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Registers <see cref="GraphApiClient"/> with options from <c>GraphApi</c> (validated at start-up)
    /// and its named Polly pipeline: an overall timeout around retry (jittered, transient failures
    /// only) around a circuit breaker, one instance per tenant (<see cref="GraphPipelineKey"/>). Each attempt is bounded by HttpClient's timeout
    /// (<see cref="GraphApiOptions.AttemptTimeout"/>) so that waiting for the tenant's budget,
    /// which happens inside the attempt, is not counted as Meta being slow.
    /// <para>
    /// Fails closed: the client needs an <see cref="IGraphCallGate"/> (the budget every call is
    /// admitted by). Without one registered, start-up stops with a configuration error naming the
    /// fix; there is no unlimited fallback.
    /// </para>
    /// </summary>
    public static IServiceCollection AddGraphApiClient(this IServiceCollection services)
    {
        services.AddOptions<GraphApiOptions>()
            .BindConfiguration(GraphApiOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.BaseUrl is { IsAbsoluteUri: true, Scheme: "http" or "https" },
                "GraphApi:BaseUrl must be an absolute http:// or https:// address.")
            .Validate<IServiceProviderIsService>(
                (_, registered) => registered.IsService(typeof(IGraphCallGate)),
                "The Graph API client has no call budget: register an IGraphCallGate (the service's AddGraphBudget) so no call reaches Meta unthrottled.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ReadinessFields>();

        services.AddHttpClient<GraphApiClient>((sp, http) =>
        {
            var options = sp.GetRequiredService<IOptions<GraphApiOptions>>().Value;
            http.BaseAddress = new Uri(options.BaseUrl.ToString().TrimEnd('/') + "/" + options.ApiVersion + "/");
            http.Timeout = options.AttemptTimeout;
            http.MaxResponseContentBufferSize = MaxResponseBytes;
        });

        // One pipeline configuration, one instance (and so one circuit breaker) per tenant.
        services.AddResiliencePipelineRegistry<GraphPipelineKey>(o =>
        {
            o.BuilderComparer = GraphPipelineKey.BuilderComparer;
            o.BuilderNameFormatter = key => key.Pipeline;
            o.InstanceNameFormatter = key => key.CustSpaceId;
        });
        services.AddResiliencePipeline(new GraphPipelineKey(GraphApiClient.PipelineName, ""), (builder, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<GraphApiOptions>>().Value;
            // Throttled and permanent errors are deliberately not here: retrying them only spends budget.
            var transient = new PredicateBuilder()
                .Handle<GraphTransientException>()
                .Handle<HttpRequestException>()
                .Handle<TaskCanceledException>(ex => ex.InnerException is TimeoutException);

            builder.AddTimeout(options.TotalTimeout);
            if (options.MaxRetryAttempts > 0)
            {
                builder.AddRetry(new RetryStrategyOptions
                {
                    ShouldHandle = transient,
                    MaxRetryAttempts = options.MaxRetryAttempts,
                    Delay = options.RetryBaseDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                });
            }

            builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = transient,
                FailureRatio = options.CircuitFailureRatio,
                MinimumThroughput = options.CircuitMinimumThroughput,
                SamplingDuration = options.CircuitSamplingDuration,
                BreakDuration = options.CircuitBreakDuration,
            });
        });
        return services;
    }
}
