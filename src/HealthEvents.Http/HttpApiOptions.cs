using System.ComponentModel.DataAnnotations;

namespace HealthEvents.Http;

/// <summary>
/// Configuration section <c>Http</c>: the service's HTTP side. Off unless <see cref="Urls"/> is set
/// (the demo sets it); the API keys are per tenant (<c>Tenants:Spaces:{id}:ApiKey…</c>) plus the
/// optional deployment-wide admin key here, each from one of the usual secret sources.
/// </summary>
public sealed class HttpApiOptions
{
    public const string SectionName = "Http";

    /// <summary>Where to listen, e.g. <c>http://0.0.0.0:8080</c> (several separated by ';'). Unset: no HTTP at all.</summary>
    public string? Urls { get; set; }

    /// <summary>A key that may read and check every tenant's nodes (operators, the dashboard's admin view).</summary>
    public string? AdminApiKey { get; set; }

    public string? AdminApiKeyVariable { get; set; }

    public string? AdminApiKeyFile { get; set; }

    /// <summary>API requests per customer space in any second (Alibaba allows 5 per account).</summary>
    [Range(1, 10_000)]
    public int RequestsPerSecond { get; set; } = 5;

    /// <summary>How long <c>GET /v1/health-status</c> waits for a check before answering <c>Timeout</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan AnswerTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Checks one <c>POST /v1/checks</c> may carry.</summary>
    [Range(1, 1_000)]
    public int MaxChecksPerPost { get; set; } = 100;

    /// <summary>Serve the dashboard at <c>/</c>.</summary>
    public bool Dashboard { get; set; } = true;
}
