using HealthEvents.Core.Telemetry;
using MassTransit.Logging;
using MassTransit.Monitoring;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace HealthEvents.Http.Operations;

public static class TelemetryRegistration
{
    /// <summary>OpenTelemetry when <c>Telemetry:OtlpEndpoint</c> is set; nothing (and no cost) otherwise.</summary>
    public static IHostApplicationBuilder AddHealthEventsTelemetry(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<TelemetryOptions>()
            .BindConfiguration(TelemetryOptions.SectionName)
            .Validate(o => Enum.TryParse<OtlpExportProtocol>(o.OtlpProtocol, ignoreCase: true, out _), "Telemetry:OtlpProtocol must be Grpc or HttpProtobuf.")
            .ValidateOnStart();
        var options = builder.Configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (options.OtlpEndpoint is not { } endpoint)
        {
            return builder;
        }

        var protocol = Enum.TryParse<OtlpExportProtocol>(options.OtlpProtocol, ignoreCase: true, out var parsed) ? parsed : default;
        void Exporter(OtlpExporterOptions o)
        {
            o.Endpoint = endpoint;
            o.Protocol = protocol;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(options.ServiceName))
            .WithTracing(t => t
                .AddSource(DiagnosticHeaders.DefaultListenerName)
                .AddAspNetCoreInstrumentation()
                .AddOtlpExporter(Exporter))
            .WithMetrics(m => m
                .AddMeter(InstrumentationOptions.MeterName)
                .AddMeter(HealthEventsMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddOtlpExporter(Exporter));
        return builder;
    }
}
