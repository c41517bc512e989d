using HealthEvents.Core.Budgets;
using HealthEvents.Core.Telemetry;
using HealthEvents.Core.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace HealthEvents.Http.Api;

/// <summary>
/// In front of every <c>/v1</c> endpoint: who is calling (<see cref="ApiKeys"/>), then the per-tenant
/// API limit (<see cref="ApiRequestBudget"/>). A tenant's requests count against its own budget
/// whatever they ask for; the admin's against the customer space named in the query. An endpoint
/// that fails (the broker or the store away) answers <c>ServiceUnavailable</c> in the envelope.
/// </summary>
public sealed class ApiGate(ApiKeys keys, ApiRequestBudget budget, HealthEventsMetrics metrics, ILogger<ApiGate> logger) : IEndpointFilter
{
    /// <summary>The bucket of admin requests that name no customer space.</summary>
    private const string AdminBucket = "(admin)";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        if (keys.Identify(http.Request) is not { } caller)
        {
            return ApiAnswers.Error(http, ApiCodes.InvalidApiKey, "Present a valid API key in the X-Api-Key header (or Authorization: Bearer).");
        }

        http.Items[typeof(ApiCaller)] = caller;
        var tenant = caller.CustSpaceId ?? (http.Request.Query["CustSpaceId"] is [{ Length: > 0 } named] ? named : AdminBucket);
        HealthEventsMetrics.TagSpan(tenant);
        if (budget.TryAdmit(tenant) is { } retryAfter)
        {
            metrics.ApiThrottled(tenant);
            return ApiAnswers.Error(http, ApiCodes.ApiThrottled, $"Too many API requests for '{tenant}': the limit is per customer space per second.", retryAfter);
        }

        try
        {
            return await next(context);
        }
        catch (Exception ex) when (!http.RequestAborted.IsCancellationRequested)
        {
            // The type and a scrubbed one-line message: a driver's text can name an address, never a key.
            logger.LogError("{Method} {Path} failed: {Error}: {Message}", http.Request.Method, http.Request.Path.Value, ex.GetType().Name, LogSafe.Text(ex.Message));
            return ApiAnswers.Error(http, ApiCodes.ServiceUnavailable, "The service could not reach its broker or store; try again shortly.", TimeSpan.FromSeconds(5));
        }
    }
}
