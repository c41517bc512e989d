using System.Diagnostics;
using System.Diagnostics.Metrics;
using HealthEvents.Core.Budgets;
using HealthEvents.Domain.Tenants;

namespace HealthEvents.Core.Telemetry;

/// <summary>
/// The service's own instruments, on the meter <see cref="MeterName"/> (MassTransit's are on its
/// <c>MassTransit</c> meter). Tags are the tenant and a reason, never anything secret. Exported
/// only when OpenTelemetry is configured (<c>Telemetry</c> section); free otherwise.
/// </summary>
public sealed class HealthEventsMetrics
{
    public const string MeterName = "HealthEvents";

    /// <summary>The span tag carrying the request's customer space.</summary>
    public const string CustSpaceIdTag = "healthevents.cust_space_id";

    private readonly Counter<long> _checks;
    private readonly Counter<long> _coalesced;
    private readonly Counter<long> _parked;
    private readonly Counter<long> _graphErrors;
    private readonly Counter<long> _apiThrottled;
    private readonly Counter<long> _webhookChanges;

    public HealthEventsMetrics(IMeterFactory meters, ITenantRegistry tenants, GraphBudget budget)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(tenants);
        ArgumentNullException.ThrowIfNull(budget);
        var meter = meters.Create(MeterName);
        // Budget use, read when the exporter collects: this process's view (the shards it holds).
        meter.CreateObservableGauge("healthevents.budget.calls_in_window",
            () => tenants.All.Select(t => new Measurement<int>(budget.Usage(t).CallsInWindow, Tenant(t.CustSpaceId))),
            "{call}", "Graph calls a tenant made in its current rate window (RequestsPerSecond).");
        meter.CreateObservableGauge("healthevents.budget.waba_calls_this_hour",
            () => tenants.All.SelectMany(t => budget.Usage(t).Wabas.Select(w => new Measurement<int>(w.CallsThisHour, Tenant(t.CustSpaceId), new("waba_id", w.WabaId)))),
            "{call}", "Graph calls per WABA in the current hour (Budget:WabaCallsPerHour).");
        _checks = meter.CreateCounter<long>("healthevents.checks", "{check}", "Checks answered, by tenant and outcome (completed, cached, rejected:<reason>).");
        _coalesced = meter.CreateCounter<long>("healthevents.checks.coalesced", "{check}", "Checks that waited for a running check of the same node instead of calling Meta.");
        _parked = meter.CreateCounter<long>("healthevents.checks.parked", "{check}", "Checks parked, by tenant and the limit that parked them (throttled by scope).");
        _graphErrors = meter.CreateCounter<long>("healthevents.graph.errors", "{error}", "Graph API errors, by kind and Meta's error code.");
        _apiThrottled = meter.CreateCounter<long>("healthevents.api.throttled", "{request}", "HTTP API requests refused by the per-tenant API limit.");
        _webhookChanges = meter.CreateCounter<long>("healthevents.webhooks.changes", "{change}", "Meta webhook changes received, by field and what was done (rechecked, unknown_field, unknown_waba, duplicate).");
    }

    public void CheckAnswered(string custSpaceId, string outcome) => _checks.Add(1, Tenant(custSpaceId), new("outcome", outcome));

    public void Coalesced(string custSpaceId) => _coalesced.Add(1, Tenant(custSpaceId));

    public void Parked(string custSpaceId, string limit) => _parked.Add(1, Tenant(custSpaceId), new("limit", limit));

    public void GraphError(string kind, int? code) => _graphErrors.Add(1, new("kind", kind), new("code", code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"));

    public void ApiThrottled(string custSpaceId) => _apiThrottled.Add(1, Tenant(custSpaceId));

    public void WebhookChange(string field, string handling) => _webhookChanges.Add(1, new("field", field), new("handling", handling));

    /// <summary>Puts the customer space on the current span (MassTransit's consume span, ASP.NET Core's request span).</summary>
    public static void TagSpan(string? custSpaceId) => Activity.Current?.SetTag(CustSpaceIdTag, custSpaceId);

    private static KeyValuePair<string, object?> Tenant(string custSpaceId) => new("cust_space_id", custSpaceId);
}
