namespace HealthEvents.Http.Operations;

/// <summary>
/// Configuration section <c>Telemetry</c>: OpenTelemetry traces and metrics over OTLP. Off unless
/// <see cref="OtlpEndpoint"/> is set; then MassTransit's own source and meter, ASP.NET Core's, and
/// the service's (<c>HealthEvents</c>) are exported.
/// </summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>The collector, e.g. <c>http://otel-collector:4317</c>.</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary><c>Grpc</c> (port 4317) or <c>HttpProtobuf</c> (port 4318).</summary>
    public string OtlpProtocol { get; set; } = "Grpc";

    /// <summary>The service name on every span and metric.</summary>
    public string ServiceName { get; set; } = "healthevents";
}
