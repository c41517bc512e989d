using HealthEvents.Contracts;
using HealthEvents.Domain.HealthChecks;
using HealthEvents.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HealthEvents.Core.HealthChecks;

/// <summary>
/// Keeps a second copy's answer the same as the first. An answer goes out before the
/// request is acknowledged; if the process dies in between, a second copy of the request arrives,
/// and by then another check may have stored a newer snapshot of the node. So each completion is
/// remembered in the store (node, version, check time) before it is sent — in the snapshot's own
/// write when the answer came from Meta (<see cref="SnapshotRecorder"/>) — and any later copy of the
/// request (redelivered, or a parked or forwarded copy) answers from that record: the same version, the same check time, under the
/// same derived MessageId — the same message. Records older than <c>HealthChecks:AnswerMemory</c>
/// are forgotten; a copy redelivered later than that is checked again.
/// </summary>
public sealed class AnswerMemory(IHealthStore store, IOptions<HealthChecksOptions> options, TimeProvider time, ILogger<AnswerMemory> logger) : BackgroundService
{
    private const int ForgetBatch = 5_000;

    /// <summary>
    /// Records <paramref name="completed"/> as the answer to <paramref name="requestId"/>; call before sending it.
    /// A store that does not take the record within <see cref="RememberWait"/> (locked, unreachable)
    /// does not hold the answer back: it goes out unrecorded, and only a redelivery of it could differ.
    /// </summary>
    public async Task RememberAsync(Guid requestId, HealthCheckCompleted completed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completed);
        var answer = new AnsweredRequest(requestId, new NodeKey(completed.CustSpaceId, completed.NodeType, completed.NodeId),
            completed.Version, completed.Snapshot.CheckedAt, completed.FromCache, time.GetUtcNow());
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(RememberWait);
        try
        {
            await store.RememberAnswerAsync(answer, deadline.Token);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is OperationCanceledException or StoreUnavailableException)
        {
            logger.LogWarning("The store did not take the record of this answer within {Wait} ms; answering without it", RememberWait.TotalMilliseconds);
        }
    }

    /// <summary>How long an answer waits for its record before it goes out without one: longer than a commit, short for a sender.</summary>
    public static readonly TimeSpan RememberWait = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The answer this request was given before, rebuilt from the store; null when it was not
    /// answered (or is forgotten). Looked up for every request, not only those the broker marks
    /// redelivered: a crash between confirming a parked or forwarded copy and acknowledging the
    /// original delivers two copies, and the one that comes second is not marked.
    /// </summary>
    public async Task<CheckOutcome.Completed?> RecallAsync(CheckRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await store.FindAnswerAsync(request.RequestId, cancellationToken) is not { } answered)
        {
            return null;
        }

        if (await SnapshotAsOfAsync(answered, cancellationToken) is not { } snapshot)
        {
            return null;
        }

        logger.LogInformation("A second copy of an answered request answered as before: version {Version}, checked at {CheckedAt:O}", answered.Version, answered.CheckedAt);
        return new CheckOutcome.Completed(OutcomeEvents.Completed(snapshot, answered.FromCache, request.Message.PlannedRecipients), null, Remembered: true);
    }

    /// <summary>The snapshot of the answered version (the current one, or the one its successor replaced) at the answered check time.</summary>
    private async Task<StoredSnapshot?> SnapshotAsOfAsync(AnsweredRequest answered, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(answered.Node, cancellationToken) is not { } current)
        {
            return null;
        }

        var snapshot = current.Version == answered.Version
            ? current.Snapshot
            : (await store.GetHistoryAsync(answered.Node, answered.Version + 1, 1, cancellationToken)) is [{ Version: var next, Previous: { } replaced }] && next == answered.Version + 1
                ? replaced
                : null;
        return snapshot is null ? null : current with { Snapshot = snapshot with { CheckedAt = answered.CheckedAt }, Version = answered.Version };
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A tenth of the memory, between 1 s and 1 min: records outlive it by at most that.
        var every = TimeSpan.FromTicks(Math.Clamp((options.Value.AnswerMemory / 10).Ticks, TimeSpan.TicksPerSecond, TimeSpan.TicksPerMinute));
        using var timer = new PeriodicTimer(every, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                while (await store.ForgetAnswersAsync(time.GetUtcNow() - options.Value.AnswerMemory, ForgetBatch, stoppingToken) == ForgetBatch)
                {
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Could not forget old answers; trying again later");
            }
        }
    }
}
