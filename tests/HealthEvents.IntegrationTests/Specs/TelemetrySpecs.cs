using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using HealthEvents.Contracts;
using HealthEvents.Core.Hosting;
using HealthEvents.Core.Telemetry;
using HealthEvents.Demo;
using HealthEvents.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;
using static HealthEvents.IntegrationTests.Support.TestScenarios;

namespace HealthEvents.IntegrationTests.Specs;

/// <summary>
/// What an operator's telemetry sees: MassTransit's consume spans carry the request's CustSpaceId,
/// the service's counters count outcomes by tenant, and OpenTelemetry is wired only when an OTLP
/// endpoint is configured (a wrong protocol is a start-up error).
/// </summary>
public class TelemetrySpecs
{
    [Fact]
    public async Task Consume_spans_carry_the_CustSpaceId_and_the_counters_count_outcomes_per_tenant()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "MassTransit",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var counted = new ConcurrentQueue<(string Instrument, string? Tenant, string? Outcome)>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == HealthEventsMetrics.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            var named = new Dictionary<string, string?>();
            foreach (var tag in tags)
            {
                named[tag.Key] = tag.Value?.ToString();
            }

            counted.Enqueue((instrument.Name, named.GetValueOrDefault("cust_space_id"), named.GetValueOrDefault("outcome")));
        });
        var gauges = new ConcurrentQueue<(string Instrument, string? Tenant, int Value)>();
        meters.SetMeasurementEventCallback<int>((instrument, value, tags, _) =>
        {
            string? tenant = null;
            foreach (var tag in tags)
            {
                tenant = tag.Key == "cust_space_id" ? tag.Value?.ToString() : tenant;
            }

            gauges.Enqueue((instrument.Name, tenant, value));
        });
        meters.Start();

        await using var h = await ServiceHarness.StartInMemoryAsync(TwoTenants());
        await h.PublishAsync(WabaCheck());
        await h.WaitForAsync<HealthCheckCompleted>(c => !c.FromCache);
        await h.PublishAsync(WabaCheck(maxAge: TimeSpan.FromHours(1)));
        await h.WaitForAsync<HealthCheckCompleted>(c => c.FromCache);
        await h.PublishAsync(WabaCheck(tenant: "beta"));
        await h.WaitForAsync<HealthCheckRejected>(r => r.Request.CustSpaceId == "beta");

        await Eventually.TrueAsync(() => spans.Any(s => Equals(s.GetTagItem(HealthEventsMetrics.CustSpaceIdTag), "alpha")), TimeSpan.FromSeconds(10), "a consume span tagged with alpha");
        Assert.All(spans.Where(s => s.GetTagItem(HealthEventsMetrics.CustSpaceIdTag) is not null), s => Assert.Equal(ActivityKind.Consumer, s.Kind));
        await Eventually.TrueAsync(() => counted.Count(c => c.Instrument == "healthevents.checks") >= 3, TimeSpan.FromSeconds(10), "three outcomes counted");
        Assert.Contains(("healthevents.checks", "alpha", "completed"), counted);
        Assert.Contains(("healthevents.checks", "alpha", "cached"), counted);
        Assert.Contains(("healthevents.checks", "beta", "rejected:AccessDenied"), counted);

        // Budget use is read when collected: alpha's WABA has spent its one health call this hour.
        meters.RecordObservableInstruments();
        Assert.Contains(gauges, g => g is { Instrument: "healthevents.budget.waba_calls_this_hour", Tenant: "alpha", Value: >= 1 });
        Assert.Contains(gauges, g => g is { Instrument: "healthevents.budget.calls_in_window", Tenant: "beta" });
    }

    [Fact]
    public void OpenTelemetry_is_wired_only_with_an_OTLP_endpoint_and_a_wrong_protocol_stops_the_start()
    {
        static IServiceProvider Build(Dictionary<string, string?> telemetry) =>
            ScenarioService.CreateBuilder(ScenarioService.Settings(TwoTenants(), new Uri("http://127.0.0.1:9"), Path.Combine(Path.GetTempPath(), "he-otel.db"), telemetry)).Build().Services;

        Assert.Null(Build([]).GetService<TracerProvider>());
        Assert.NotNull(Build(new() { ["Telemetry:OtlpEndpoint"] = "http://127.0.0.1:4317" }).GetService<TracerProvider>());
        var wrong = Build(new() { ["Telemetry:OtlpEndpoint"] = "http://127.0.0.1:4317", ["Telemetry:OtlpProtocol"] = "Pigeon" });
        var error = Assert.Throws<OptionsValidationException>(() => wrong.GetRequiredService<IOptions<Http.Operations.TelemetryOptions>>().Value);
        Assert.Contains("Telemetry:OtlpProtocol must be Grpc or HttpProtobuf", error.Message, StringComparison.Ordinal);
    }
}
