using System.ComponentModel.DataAnnotations;

namespace HealthEvents.Graph;

/// <summary>Configuration section <c>GraphApi</c>.</summary>
public sealed class GraphApiOptions
{
    public const string SectionName = "GraphApi";

    /// <summary>Where the Graph API lives; the simulator's address in tests and the demo.</summary>
    [Required]
    public Uri BaseUrl { get; set; } = new("https://graph.facebook.com");

    /// <summary>The Graph API version path segment.</summary>
    [Required, RegularExpression(@"^v\d+\.\d+$")]
    public string ApiVersion { get; set; } = "v21.0";

    /// <summary>Time allowed for one HTTP attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:05:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time allowed for a whole call: every attempt, the backoff between them and waits for the tenant's budget.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:30:00")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Retries after the first attempt, for transient failures only.</summary>
    [Range(0, 10)]
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>Base of the jittered exponential backoff between retries.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Share of failed calls, over <see cref="CircuitSamplingDuration"/>, that opens the circuit.</summary>
    [Range(0.01, 1.0)]
    public double CircuitFailureRatio { get; set; } = 0.5;

    [Range(2, 10_000)]
    public int CircuitMinimumThroughput { get; set; } = 20;

    public TimeSpan CircuitSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Page size asked for on the phone_numbers and message_templates edges.</summary>
    [Range(1, 1000)]
    public int PageSize { get; set; } = 100;

    /// <summary>Stop following pages after this many, so a looping cursor cannot spin forever.</summary>
    [Range(1, 10_000)]
    public int MaxPages { get; set; } = 100;

    /// <summary>How long to pause when Meta throttles without saying for how long.</summary>
    public TimeSpan DefaultThrottleBackoff { get; set; } = TimeSpan.FromSeconds(60);
}
