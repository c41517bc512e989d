using System.ComponentModel.DataAnnotations;

namespace HealthEvents.Core.HealthChecks;

/// <summary>Configuration section <c>HealthChecks</c>.</summary>
public sealed class HealthChecksOptions
{
    public const string SectionName = "HealthChecks";

    /// <summary>How long a WABA's phone numbers and templates are remembered for id resolution.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan ResolutionCacheDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often stored change events that were not published (after a crash) are looked for.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan OutboxSweepInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>An unpublished change younger than this is left to the check that stored it.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan OutboxSweepGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a check keeps trying while Meta cannot be reached (counted from its first failed
    /// call) before it is answered with <c>HealthCheckRejected</c> (<c>UpstreamUnavailable</c>).
    /// Between tries the check is parked with a growing wait, holding no consumer slot.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan UpstreamDeadline { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// A check parked for longer than this is announced once with <c>HealthCheckDeferred</c> (when
    /// it can run and what it waits for), so its sender is not left in silence.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan DeferredNoticeAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long what a request was answered with is kept, so that a copy RabbitMQ delivers again
    /// (the process died after the answer, before the ack) is answered with the same message. A
    /// copy redelivered later than this is checked again.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan AnswerMemory { get; set; } = TimeSpan.FromMinutes(15);
}
