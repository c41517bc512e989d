using HealthEvents.Contracts;
using HealthEvents.Core.Budgets;
using HealthEvents.Core.Hosting;
using HealthEvents.Core.HealthChecks;
using HealthEvents.Http.Api;
using HealthEvents.Http.Dashboard;
using HealthEvents.Http.Operations;
using HealthEvents.Http.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HealthEvents.Http;

/// <summary>
/// How every host builds the service with its HTTP side: the check pipeline and bus
/// (<see cref="HealthEventsHost.AddHealthEvents"/>) plus the query API, Meta webhooks, probes, the
/// dashboard and telemetry. The endpoints are mapped when the host is built (a startup filter), so
/// <c>builder.Build()</c> gives the whole service wherever it is called. Without <c>Http:Urls</c>
/// nothing listens.
/// </summary>
public static class HealthEventsWeb
{
    /// <summary>
    /// A builder that reads <c>appsettings.json</c> from beside the binary (see
    /// <see cref="HealthEventsHost.CreateBuilder"/>); environment variables still win.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        SettingsFile.Add(builder.Configuration);
        return builder;
    }

    /// <summary>
    /// The whole service: the check pipeline and the bus (<see cref="HealthEventsHost.AddHealthEvents"/>,
    /// <paramref name="addMassTransit"/> as there), then the HTTP side. Call after every configuration
    /// source is added: <c>Http:Urls</c> decides whether anything listens.
    /// </summary>
    public static WebApplicationBuilder AddHealthEventsService(
        this WebApplicationBuilder builder,
        Action<IServiceCollection, Action<MassTransit.IBusRegistrationConfigurator>>? addMassTransit = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddHealthEvents(addMassTransit);
        return builder.AddHealthEventsHttp();
    }

    private static WebApplicationBuilder AddHealthEventsHttp(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<HttpApiOptions>().BindConfiguration(HttpApiOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<MetaWebhookOptions>().BindConfiguration(MetaWebhookOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<HttpApiOptions>, HttpSecrets.Validator>();
        services.AddSingleton(sp => HttpSecrets.Read(
            sp.GetRequiredService<IOptions<HttpApiOptions>>().Value, sp.GetRequiredService<IOptions<MetaWebhookOptions>>().Value, []));
        services.AddSingleton<ApiKeys>();
        services.AddSingleton(sp => new ApiRequestBudget(sp.GetRequiredService<IOptions<HttpApiOptions>>().Value.RequestsPerSecond, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ApiGate>();
        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: [ProbeEndpoints.ReadyTag], timeout: TimeSpan.FromSeconds(5));
        services.AddOpenApi();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = null);
        services.AddTransient<IStartupFilter, EndpointsStartupFilter>();
        services.AddHostedService<HttpStartupReport>();
        services.AddSingleton<BudgetHistory>();
        services.AddHostedService(sp => sp.GetRequiredService<BudgetHistory>());
        services.AddSingleton<IBrokerWaitProbes, BrokerWaitProbes>();
        builder.AddHealthEventsTelemetry();

        if (builder.Configuration[$"{HttpApiOptions.SectionName}:{nameof(HttpApiOptions.Urls)}"] is { Length: > 0 } urls)
        {
            builder.WebHost.UseUrls(urls);
        }
        else
        {
            // No Http:Urls: the service is a bus consumer only, whatever ASPNETCORE_URLS or a base image says.
            services.Replace(ServiceDescriptor.Singleton<IServer, NoServer>());
        }

        return builder;
    }

    /// <summary>Every endpoint of the service.</summary>
    public static void MapHealthEvents(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup("/v1").AddEndpointFilter<ApiGate>()
            .WithDescription("Present a key in X-Api-Key (or Authorization: Bearer). Every answer is Alibaba's envelope; errors carry a Code (see the README).");

        // What any /v1 endpoint may answer besides its own data (ApiGate, CheckAccess).
        static RouteHandlerBuilder Api(RouteHandlerBuilder endpoint) => endpoint
            .Produces<ApiEnvelope<object>>(StatusCodes.Status400BadRequest)
            .Produces<ApiEnvelope<object>>(StatusCodes.Status401Unauthorized)
            .Produces<ApiEnvelope<object>>(StatusCodes.Status403Forbidden)
            .Produces<ApiEnvelope<object>>(StatusCodes.Status429TooManyRequests)
            .Produces<ApiEnvelope<object>>(StatusCodes.Status503ServiceUnavailable);

        Api(api.MapGet("/health-status", HealthStatusEndpoints.GetAsync))
            .WithSummary("A node's messaging health now (add Action=GetWhatsappHealthStatus for Alibaba's response shape).")
            .Produces<ApiEnvelope<HealthCheckCompleted>>()
            .Produces<ApiEnvelope<AlibabaHealthData>>()
            .Produces<ApiEnvelope<object>>(StatusCodes.Status404NotFound)
            .Produces<ApiEnvelope<object>>(StatusCodes.Status502BadGateway)
            .Produces<ApiEnvelope<object>>(StatusCodes.Status504GatewayTimeout);
        Api(api.MapPost("/checks", CheckEndpoints.PostAsync)).WithSummary("Queue one check or many; returns their ids.")
            .Accepts<HealthCheckRequested[]>("application/json")
            .Produces<ApiEnvelope<CheckEndpoints.QueuedChecks>>(StatusCodes.Status202Accepted)
            .Produces<ApiEnvelope<object>>(StatusCodes.Status413PayloadTooLarge);
        Api(api.MapGet("/checks/{checkId:guid}", CheckStatusEndpoints.GetOne))
            .WithSummary("Where one check stands: Queued, Waiting (NotBefore, Reason, Detail) or its answer (Completed with CanSendMessage, Version and Campaign; Rejected with Reason and Detail). Checks queued here with POST /v1/checks and checks announced as waiting, kept 1 h.")
            .Produces<ApiEnvelope<CheckStatus>>()
            .Produces<ApiEnvelope<object>>(StatusCodes.Status404NotFound);
        Api(api.MapGet("/checks", CheckStatusEndpoints.GetWaiting))
            .WithSummary("A customer space's checks waiting now (State=Waiting), soonest to run first, up to 200: when each can run and why it waits.")
            .Produces<ApiEnvelope<CheckStatusEndpoints.WaitingChecks>>();
        Api(api.MapGet("/events", EventEndpoints.GetAsync)).WithSummary("A customer space's recent HealthStatusChanged events, paged.")
            .Produces<ApiEnvelope<EventEndpoints.EventPage>>();
        Api(api.MapGet("/tenants", TenantEndpoints.GetTenants)).WithSummary("The customer spaces this key reaches, with their budget use.")
            .Produces<ApiEnvelope<TenantEndpoints.TenantList>>();
        Api(api.MapGet("/tenants/usage", UsageEndpoints.Get)).WithSummary("A customer space's Graph calls per second, busiest WABA's calls this hour and parked checks over the last hour, against their limits.")
            .Produces<ApiEnvelope<UsageEndpoints.UsageSeries>>();
        Api(api.MapGet("/summary", SummaryEndpoints.GetAsync)).WithSummary("Counts per status and campaign verdict, nodes changed in the last hour and budget use: per space the key reaches (or the one named) and in total, spaces with blocked nodes first.")
            .Produces<ApiEnvelope<SummaryEndpoints.Summary>>();
        Api(api.MapGet("/nodes", NodeEndpoints.GetNodesAsync))
            .WithSummary("A customer space's known nodes and their latest health, most severe first, paged: filter by NodeType and CanSendMessage, Search a node id, display number (its digits) or template code; PageSize 1-500 (100), PageToken from NextPageToken.")
            .Produces<ApiEnvelope<NodeEndpoints.NodeList>>();
        Api(api.MapGet("/nodes/history", NodeEndpoints.GetHistoryAsync)).WithSummary("One node's changes (up to 500, oldest first), for its timeline.")
            .Produces<ApiEnvelope<NodeEndpoints.NodeHistory>>();

        app.MapGet("/webhooks/meta", MetaWebhookEndpoints.Handshake).ExcludeFromDescription();
        app.MapPost("/webhooks/meta", MetaWebhookEndpoints.ReceiveAsync).ExcludeFromDescription();
        app.MapProbes();
        app.MapOpenApi("/openapi/{documentName}.json");
        if (app.ServiceProvider.GetRequiredService<IOptions<HttpApiOptions>>().Value.Dashboard)
        {
            app.MapDashboard();
        }
    }

    private sealed class EndpointsStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseRouting();
            app.UseEndpoints(endpoints => endpoints.MapHealthEvents());
            next(app);
        };
    }

    /// <summary>The server when HTTP is off: the web host runs, nothing listens.</summary>
    private sealed class NoServer : IServer
    {
        public IFeatureCollection Features { get; } = new FeatureCollection();

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
            where TContext : notnull => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }
    }
}
