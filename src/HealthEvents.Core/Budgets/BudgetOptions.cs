using System.ComponentModel.DataAnnotations;

namespace HealthEvents.Core.Budgets;

/// <summary>
/// Configuration section <c>Budget</c>: the limits every Graph call is admitted by. Per-tenant rates
/// and concurrency live in <c>Tenants</c>.
/// </summary>
public sealed class BudgetOptions
{
    public const string SectionName = "Budget";

    /// <summary>The window a tenant's <c>RequestsPerSecond</c> is counted over.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Graph calls per WABA in any <see cref="WabaWindow"/>. Meta allows about 200 per hour per app
    /// per WABA, and 5,000 for an active WABA with a registered phone number (code 80007 past it);
    /// set 200 for WABAs that are not yet active.
    /// </summary>
    [Range(1, 1_000_000)]
    public int WabaCallsPerHour { get; set; } = 5_000;

    /// <summary>The window <see cref="WabaCallsPerHour"/> is counted over: an hour, as Meta counts (shorter only in tests).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan WabaWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// A check already running waits in place up to this long for its next Graph call (its tenant's
    /// window, a short pause); longer, and the check is parked.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan MaxBackoffWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The longest one check may be parked, counted from when it was first parked. A check whose
    /// budget (or Meta) names a later time ends as <c>HealthCheckRejected</c> with reason
    /// <c>Throttled</c> and the time to retry. Ten minutes by default: past Meta's usual 5-minute
    /// pause (80007), and about as long as a sender about to start a campaign still waits; one that
    /// waits less says so (<c>AnswerWithin</c>, or a request client's timeout). At most 1 h 49 min.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:49:00")]
    public TimeSpan MaxParkTime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// After Meta refuses a tenant's access token (revoked, expired: code 190), how long its checks
    /// are rejected without calling Meta. A replaced token ends the pause at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RefusedTokenPause { get; set; } = TimeSpan.FromMinutes(10);
}
