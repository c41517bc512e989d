using System.ComponentModel.DataAnnotations;

namespace HealthEvents.Http.Webhooks;

/// <summary>
/// Configuration section <c>Webhooks:Meta</c>: Meta's webhook subscription. Off (the endpoints
/// answer 404) unless the app secret is set; each secret from one of the usual secret sources.
/// </summary>
public sealed class MetaWebhookOptions
{
    public const string SectionName = "Webhooks:Meta";

    /// <summary>The Meta app's secret: deliveries are signed with it (<c>X-Hub-Signature-256</c>).</summary>
    public string? AppSecret { get; set; }

    public string? AppSecretVariable { get; set; }

    public string? AppSecretFile { get; set; }

    /// <summary>The token typed into Meta's webhook settings, echoed back in the subscription handshake.</summary>
    public string? VerifyToken { get; set; }

    public string? VerifyTokenVariable { get; set; }

    public string? VerifyTokenFile { get; set; }

    /// <summary>Deliveries larger than this are refused unread (Meta's are a few KiB).</summary>
    [Range(1_024, 4 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 256 * 1024;

    /// <summary>A delivery seen again within this time (Meta retries) is acknowledged without new re-checks.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan DuplicateWindow { get; set; } = TimeSpan.FromHours(1);
}
