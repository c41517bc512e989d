using System.ComponentModel.DataAnnotations;

namespace HealthEvents.Core.Throttling;

/// <summary>Configuration section <c>Throttling</c>. Per-tenant numbers live in <c>Tenants</c>.</summary>
public sealed class ThrottlingOptions
{
    public const string SectionName = "Throttling";

    /// <summary>The window a tenant's <c>RequestsPerSecond</c> is counted over.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// When Meta asks a tenant to back off for up to this long, checks wait it out; longer, and they
    /// end as <c>HealthCheckRejected</c> with reason <c>Throttled</c> and the time to wait.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan MaxBackoffWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Checks or Graph calls of one tenant allowed to queue for its budget before new ones are refused.</summary>
    [Range(1, 1_000_000)]
    public int MaxQueuedPerTenant { get; set; } = 10_000;
}
