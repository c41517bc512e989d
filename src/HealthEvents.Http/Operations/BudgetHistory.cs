using HealthEvents.Core.Budgets;
using HealthEvents.Core.Parking;
using HealthEvents.Domain.Tenants;
using Microsoft.Extensions.Hosting;

namespace HealthEvents.Http.Operations;

/// <summary>
/// The last hour of each space's budget use, for the dashboard's charts: every second it reads
/// the budget (calls in the last second, the busiest WABA's calls this hour) and the parked
/// checks, and keeps one point per <see cref="Bucket"/> (the second's peak, the hour's and the
/// parked count at its end). This process's view, kept in memory only.
/// </summary>
public sealed class BudgetHistory(ITenantRegistry tenants, GraphBudget budget, ParkedChecks parked, TimeProvider time) : BackgroundService
{
    public static readonly TimeSpan Bucket = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan Kept = TimeSpan.FromHours(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<UsagePoint>> _points = new(StringComparer.Ordinal);

    /// <summary>One point of a space's chart.</summary>
    public sealed record UsagePoint(DateTimeOffset At, int CallsPerSecondPeak, int CallsPerSecond, int WabaCallsThisHour, int WabaCallsPerHour, int ParkedChecks);

    public IReadOnlyList<UsagePoint> For(string custSpaceId)
    {
        lock (_gate)
        {
            return _points.TryGetValue(custSpaceId, out var points) ? [.. points] : [];
        }
    }

    /// <summary>Reads every space once; the point of the current bucket takes the highest second.</summary>
    public void Sample()
    {
        var now = time.GetUtcNow();
        var bucket = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % Bucket.Ticks), TimeSpan.Zero);
        foreach (var tenant in tenants.All)
        {
            var usage = budget.Usage(tenant);
            var waba = usage.Wabas.Count == 0 ? null : usage.Wabas.MaxBy(w => w.CallsThisHour);
            var point = new UsagePoint(bucket, usage.CallsInWindow, usage.CallsPerWindow, waba?.CallsThisHour ?? 0, waba?.CallsPerHour ?? 0, parked.CountFor(tenant.CustSpaceId));
            lock (_gate)
            {
                if (!_points.TryGetValue(tenant.CustSpaceId, out var points))
                {
                    _points[tenant.CustSpaceId] = points = [];
                }

                if (points.Count > 0 && points[^1].At == bucket)
                {
                    points[^1] = point with { CallsPerSecondPeak = Math.Max(points[^1].CallsPerSecondPeak, point.CallsPerSecondPeak) };
                }
                else
                {
                    points.Add(point);
                }

                var expired = points.FindIndex(p => p.At >= now - Kept);
                points.RemoveRange(0, expired < 0 ? points.Count : expired);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        do
        {
            Sample();
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
