using HealthEvents.Contracts;
using HealthEvents.Graph.Throttling;

namespace HealthEvents.Core.HealthChecks;

/// <summary>Where one check stands, as this process last heard: queued, waiting (and why, until when), or answered.</summary>
public sealed record CheckStatus
{
    public const string Queued = "Queued";
    public const string Waiting = "Waiting";
    public const string Completed = "Completed";
    public const string Rejected = "Rejected";

    /// <summary>The request's MessageId: <c>POST /v1/checks</c>'s <c>CheckId</c>, the outcome's <c>InitiatorId</c>.</summary>
    public required Guid CheckId { get; init; }

    public required string CustSpaceId { get; init; }

    public required string NodeType { get; init; }

    public string? WabaId { get; init; }

    /// <summary><see cref="Queued"/>, <see cref="Waiting"/>, <see cref="Completed"/> or <see cref="Rejected"/>.</summary>
    public required string State { get; init; }

    /// <summary>When it entered this state.</summary>
    public required DateTimeOffset Since { get; init; }

    /// <summary>Waiting: the earliest it can run.</summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>Waiting: what it waits for (<see cref="HealthCheckDeferred.Reason"/>'s values); Rejected: the rejection's reason.</summary>
    public string? Reason { get; init; }

    /// <summary>Waiting or Rejected: the sentence for a person.</summary>
    public string? Detail { get; init; }

    /// <summary>Completed: the node's status, its version and the campaign verdict for the request's size.</summary>
    public string? CanSendMessage { get; init; }

    public long? Version { get; init; }

    public string? Campaign { get; init; }

    /// <summary>A check parked here and not back yet, as a status.</summary>
    public static CheckStatus Of(Parking.ParkedCheck parked)
    {
        ArgumentNullException.ThrowIfNull(parked);
        return new CheckStatus
        {
            CheckId = parked.CheckId,
            CustSpaceId = parked.CustSpaceId,
            NodeType = parked.NodeType,
            WabaId = parked.WabaId,
            State = Queued,
            Since = parked.ParkedAt,
        }.WaitingUntil(parked.Until, parked.Reason);
    }

    /// <summary>This status as waiting until <paramref name="notBefore"/> for <paramref name="reason"/>: the one way a wait is shown.</summary>
    internal CheckStatus WaitingUntil(DateTimeOffset notBefore, WaitReason reason) =>
        this with { State = Waiting, NotBefore = notBefore, Reason = reason.ToString(), Detail = reason.Describe() };
}

/// <summary>
/// Where each check queued here through <c>POST /v1/checks</c> stands, from queued through waiting
/// (until when, why) to its answer, for <c>GET /v1/checks/{checkId}</c>. Other checks are not kept
/// (the bus and <c>/v1/events</c> carry their answers; one that waits now is in
/// <see cref="Parking.ParkedChecks"/>), so the book costs nothing for checks nobody asks after
/// here. Kept in memory for <see cref="Kept"/>, at most <see cref="Capacity"/> checks (the oldest
/// go first): this process's view, like the dashboard's charts.
/// </summary>
public sealed class CheckStatusBook(TimeProvider time)
{
    public const int Capacity = 100_000;
    public static readonly TimeSpan Kept = TimeSpan.FromHours(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, CheckStatus> _checks = [];

    // First-heard order, for forgetting; an id is queued once, when first heard.
    private readonly Queue<(Guid Id, DateTimeOffset At)> _heard = new();

    public void Queued(Guid checkId, HealthCheckRequested request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Write(checkId, request, onlyIfKnown: false, s => s with { State = CheckStatus.Queued });
    }

    /// <summary>The check was parked: kept only for a check already in the book.</summary>
    public void Waiting(Guid checkId, DateTimeOffset notBefore, WaitReason reason) =>
        Write(checkId, null, onlyIfKnown: true, s => s.WaitingUntil(notBefore, reason));

    /// <summary>The check was answered: kept only for a check already in the book.</summary>
    public void Answered(Guid checkId, HealthCheckCompleted completed)
    {
        ArgumentNullException.ThrowIfNull(completed);
        Write(checkId, null, onlyIfKnown: true, s => s with
        {
            State = CheckStatus.Completed,
            NotBefore = null,
            Reason = null,
            Detail = null,
            CanSendMessage = completed.Snapshot.CanSendMessage,
            Version = completed.Version,
            Campaign = completed.Campaign?.Verdict,
        });
    }

    /// <inheritdoc cref="Answered(Guid, HealthCheckCompleted)"/>
    public void Answered(Guid checkId, HealthCheckRejected rejected)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        Write(checkId, null, onlyIfKnown: true, s => s with { State = CheckStatus.Rejected, NotBefore = null, Reason = rejected.Reason, Detail = rejected.Detail });
    }

    /// <summary>A queued check that never reached the broker: nothing to ask after.</summary>
    public void Unqueued(Guid checkId)
    {
        lock (_gate)
        {
            _checks.Remove(checkId);
        }
    }

    public CheckStatus? Find(Guid checkId)
    {
        lock (_gate)
        {
            Forget(time.GetUtcNow());
            return _checks.GetValueOrDefault(checkId);
        }
    }

    /// <summary>Changes a check's status; one not in the book is added from its request unless <paramref name="onlyIfKnown"/>.</summary>
    private void Write(Guid checkId, HealthCheckRequested? request, bool onlyIfKnown, Func<CheckStatus, CheckStatus> change)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            Forget(now);
            if (!_checks.TryGetValue(checkId, out var current))
            {
                if (onlyIfKnown || request is null)
                {
                    return;
                }

                current = new CheckStatus
                {
                    CheckId = checkId,
                    CustSpaceId = request.CustSpaceId,
                    NodeType = request.NodeType,
                    WabaId = request.WabaId,
                    State = CheckStatus.Queued,
                    Since = now,
                };
                _heard.Enqueue((checkId, now));
            }
            else if (current.State is CheckStatus.Completed or CheckStatus.Rejected)
            {
                // An answer is final: a redelivered copy parked again does not undo it.
                return;
            }

            _checks[checkId] = change(current) with { Since = now };
        }
    }

    private void Forget(DateTimeOffset now)
    {
        while (_heard.TryPeek(out var oldest) && (oldest.At < now - Kept || _heard.Count > Capacity))
        {
            _heard.Dequeue();
            _checks.Remove(oldest.Id);
        }
    }
}
