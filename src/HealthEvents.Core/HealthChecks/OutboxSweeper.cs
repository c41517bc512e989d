using HealthEvents.Storage;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HealthEvents.Core.HealthChecks;

/// <summary>
/// Publishes change events that were stored but never published: the process died between the
/// two, or the broker refused the publish. Runs at start-up (everything pending) and then every
/// <c>OutboxSweepInterval</c>: changes older than <c>OutboxSweepGrace</c> (so it does not race the
/// check publishing its own), and at once those whose publish failed here
/// (<see cref="ChangePublisher.IsOrphaned"/>).
/// </summary>
public sealed class OutboxSweeper(
    IHealthStore store,
    IBus bus,
    ChangePublisher publisher,
    IOptions<HealthChecksOptions> options,
    TimeProvider time,
    ILogger<OutboxSweeper> logger) : BackgroundService
{
    private const int BatchSize = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var grace = TimeSpan.Zero;
        using var timer = new PeriodicTimer(options.Value.OutboxSweepInterval, time);
        do
        {
            try
            {
                var published = await SweepAsync(grace, stoppingToken);
                if (published > 0)
                {
                    logger.LogWarning("Published {Count} change events that were stored but not published", published);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Outbox sweep failed; it runs again in {Interval}", options.Value.OutboxSweepInterval);
            }

            grace = options.Value.OutboxSweepGrace;
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Publishes pending changes whose check time is older than <paramref name="grace"/>; returns how many.</summary>
    public async Task<int> SweepAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        var published = 0;
        while (true)
        {
            var cutoff = time.GetUtcNow() - grace;
            var batch = (await store.GetUndispatchedAsync(BatchSize, cancellationToken))
                .Where(c => c.Current.CheckedAt <= cutoff || publisher.IsOrphaned(c.Key, c.Version))
                .ToList();
            foreach (var change in batch)
            {
                await publisher.PublishAsync(bus, change, cancellationToken);
                published++;
            }

            if (batch.Count < BatchSize)
            {
                return published;
            }
        }
    }
}
