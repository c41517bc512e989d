using System.Diagnostics;
using HealthEvents.Core.Bus;
using OpenTelemetry;

namespace HealthEvents.Http.Operations;

/// <summary>
/// Drops MassTransit's spans of router lease pings before export: every instance sends several a
/// second (<see cref="EntryRouting"/>), and their spans would bury the checks' traces. Decided when
/// a span ends, when MassTransit has set its tags; a span not recorded is not exported.
/// </summary>
public sealed class UntracedLeasePings : BaseProcessor<Activity>
{
    public override void OnEnd(Activity data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (IsLeasePing(data))
        {
            data.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
        }
    }

    private static bool IsLeasePing(Activity activity) =>
        Names(activity.DisplayName)
        || activity.TagObjects.Any(tag => tag.Value is string value && Names(value))
        || activity.Parent is { } parent && IsLeasePing(parent);

    private static bool Names(string text) =>
        text.Contains(CheckQueues.RouterLeaseSuffix, StringComparison.Ordinal) || text.Contains(nameof(RouterLeasePing), StringComparison.Ordinal);
}
