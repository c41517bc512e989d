using HealthEvents.Contracts;
using HealthEvents.Core.Budgets;
using HealthEvents.Domain.HealthChecks;
using HealthEvents.Domain.Tenants;
using HealthEvents.Graph;
using HealthEvents.Graph.Errors;
using HealthEvents.Graph.Throttling;
using HealthEvents.Storage;
using Microsoft.Extensions.Options;

namespace HealthEvents.Core.HealthChecks;

/// <summary>
/// One health check, start to finish: validate and check the tenant owns the WABA (invalid and
/// denied requests end here, before any Graph call); a redelivered request answered before gets
/// the same answer (<see cref="AnswerMemory"/>); answer from a stored snapshot Meta gave after
/// the request was asked (or within its <c>MaxAge</c>); otherwise join a check of the same node
/// already under way (<see cref="CheckCoalescer"/>), or lead one: ask the budget, resolve the
/// node, call Meta and store the answer. What the budget or Meta defers comes back as
/// <see cref="CheckOutcome.Parked"/>, and so does Meta being unreachable, until
/// <c>HealthChecks:UpstreamDeadline</c> turns it into <c>UpstreamUnavailable</c>. A token Meta
/// refused stops the tenant's calls (<see cref="TokenRefusals"/>). Other failures (the store) are
/// thrown for the retry policy.
/// </summary>
public sealed class HealthCheckProcessor(
    ITenantRegistry tenants,
    NodeResolver resolver,
    GraphApiClient graph,
    IHealthStore store,
    SnapshotRecorder recorder,
    AnswerMemory answers,
    GraphBudget budget,
    CheckCoalescer coalescer,
    TokenRefusals refusedTokens,
    Telemetry.HealthEventsMetrics metrics,
    IOptions<HealthChecksOptions> options,
    TimeProvider time)
{
    /// <summary>The shortest and longest wait between tries while Meta cannot be reached.</summary>
    private static readonly TimeSpan FirstUpstreamWait = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestUpstreamWait = TimeSpan.FromSeconds(30);

    /// <summary>How many times a request waits in place for running checks of its node before it parks instead.</summary>
    private const int MaxJoinsInPlace = 3;

    public async Task<CheckOutcome> ProcessAsync(CheckRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!RequestValidator.TryValidate(request.Message, request.Bytes, out var target, out var invalid))
        {
            return CheckOutcome.Refused(request.Message, invalid);
        }

        if (!TenantAccess.Allows(tenants, target, out var tenant, out var denied))
        {
            return CheckOutcome.Refused(request.Message, denied);
        }

        // A copy delivered again after its answer went out (a crash before the ack) gives that answer again.
        if (await answers.RecallAsync(request, cancellationToken) is { } answeredBefore)
        {
            return answeredBefore;
        }

        var ticket = new CheckTicket(new GraphCallScope(target.CustSpaceId, target.WabaId), request.Slot, request.ParkedSince);
        try
        {
            for (var joins = 0; ; joins++)
            {
                var finishedBefore = coalescer.Finished;
                if (await AnswerWithoutCallsAsync(target, tenant, request, cancellationToken) is { } answered)
                {
                    return answered;
                }

                switch (coalescer.TryLead(target.CoalescingKey, request.RequestId))
                {
                    case CheckCoalescer.Pending.Lead lead:
                        using (lead.Leadership)
                        {
                            // A leader that finished between our look at the store and now has stored its answer
                            // before letting go of the node: if any leader finished meanwhile, look once more
                            // before spending budget.
                            var storedMeanwhile = coalescer.Finished != finishedBefore
                                ? await AnswerWithoutCallsAsync(target, tenant, request, cancellationToken)
                                : null;
                            return storedMeanwhile ?? await LeadAsync(target, tenant, request, ticket, lead.Leadership, cancellationToken);
                        }

                    case CheckCoalescer.Pending.Running running when joins < MaxJoinsInPlace:
                        metrics.Coalesced(target.CustSpaceId);
                        await running.Done.WaitAsync(cancellationToken);
                        break;

                    case CheckCoalescer.Pending.Running:
                        return Parked(request, budget.Later(ticket, time.GetUtcNow() + CheckCoalescer.JoinDelay, WaitReason.JoinedCheck));

                    case CheckCoalescer.Pending.Parked parked:
                        return Parked(request, budget.Later(ticket, parked.Until + CheckCoalescer.JoinDelay, WaitReason.JoinedCheck));
                }
            }
        }
        catch (GraphPermanentException ex)
        {
            refusedTokens.Observe(tenant, ex);
            metrics.GraphError("permanent", ex.Details.Code);
            return CheckOutcome.Refused(request.Message, new Rejection(RejectionReasons.UpstreamRejected,
                $"Meta refused the request ({ex.Reason}): {ex.Message}", ex.Details.Code, ex.Details.Subcode));
        }
    }

    /// <summary>The answer when it needs no Graph call: a cached resolution and a fresh-enough stored snapshot; null otherwise.</summary>
    private async Task<CheckOutcome?> AnswerWithoutCallsAsync(CheckTarget target, Tenant tenant, CheckRequest request, CancellationToken cancellationToken) =>
        await resolver.ResolveWithoutCallsAsync(target, tenant, cancellationToken) switch
        {
            null => null,
            Resolution.NotResolved notResolved => CheckOutcome.Refused(request.Message, notResolved.Rejection),
            Resolution.Found found => await FreshAnswerAsync(target, found, request, cancellationToken),
            var other => throw new InvalidOperationException($"Unknown resolution {other.GetType().Name}."),
        };

    private async Task<CheckOutcome> LeadAsync(
        CheckTarget target, Tenant tenant, CheckRequest request, CheckTicket ticket, CheckCoalescer.Leadership leadership, CancellationToken cancellationToken)
    {
        if (refusedTokens.RejectionFor(tenant) is { } refused)
        {
            return CheckOutcome.Refused(request.Message, refused);
        }

        var admission = budget.AdmitCheck(ticket);
        if (admission is not Admission.Granted granted)
        {
            return Parked(request, admission, leadership);
        }

        using (granted.Lease)
        {
            try
            {
                return await resolver.ResolveAsync(target, tenant, cancellationToken) switch
                {
                    Resolution.Found found => await AnswerOrCallMetaAsync(target, tenant, found, request, ticket, leadership, cancellationToken),
                    Resolution.NotResolved notResolved => CheckOutcome.Refused(request.Message, notResolved.Rejection),
                    Resolution.Deferred deferred => ParkedOn(deferred.Deferral, request, ticket, leadership),
                    var other => throw new InvalidOperationException($"Unknown resolution {other.GetType().Name}."),
                };
            }
            catch (GraphThrottledException ex)
            {
                // Meta paused a scope (the budget has noted it): park until Meta's time.
                metrics.GraphError("throttled", ex.Details.Code);
                return Parked(request, budget.Later(ticket, time.GetUtcNow() + ex.RetryAfter, WaitReasons.Of(ex.Scope)), leadership, ex.Details);
            }
            catch (GraphTransientException ex)
            {
                metrics.GraphError("transient", ex.Details.Code);
                return UpstreamUnavailable(request, leadership, ex);
            }
        }
    }

    /// <summary>A stored snapshot that Meta gave after the request was asked, or within its MaxAge; null when there is none.</summary>
    private async Task<CheckOutcome?> FreshAnswerAsync(CheckTarget target, Resolution.Found node, CheckRequest request, CancellationToken cancellationToken)
    {
        var stored = await store.GetAsync(new NodeKey(target.CustSpaceId, target.NodeType, node.NodeId), cancellationToken);
        return IsFresh(stored, target, request) ? Answered(stored!, request) : null;
    }

    /// <summary>The fresh stored answer if there is one (resolution may have just run), else Meta's, compared with the same stored read.</summary>
    private async Task<CheckOutcome> AnswerOrCallMetaAsync(
        CheckTarget target, Tenant tenant, Resolution.Found node, CheckRequest request, CheckTicket ticket, CheckCoalescer.Leadership leadership, CancellationToken cancellationToken)
    {
        var key = new NodeKey(target.CustSpaceId, target.NodeType, node.NodeId);
        var stored = await store.GetAsync(key, cancellationToken);
        if (IsFresh(stored, target, request))
        {
            return Answered(stored!, request);
        }

        var answer = await graph.GetHealthStatusAsync(key.NodeId, target.NodeType, GraphCaller.For(tenant, target.WabaId), cancellationToken);
        if (answer is GraphAnswer<HealthSnapshot>.Deferred deferred)
        {
            return ParkedOn(deferred.Deferral, request, ticket, leadership);
        }

        var snapshot = ((GraphAnswer<HealthSnapshot>.Answered)answer).Value;
        var recorded = await recorder.RecordAsync(key, node.Identity, snapshot, stored, request.RequestId, cancellationToken);
        return new CheckOutcome.Completed(OutcomeEvents.Completed(recorded.Stored, fromCache: false, request.Message.PlannedRecipients), recorded.Change, recorded.Remembered);
    }

    private bool IsFresh(StoredSnapshot? stored, CheckTarget target, CheckRequest request) =>
        stored is not null
        && (stored.Snapshot.CheckedAt >= request.AskedAt || (target.MaxAge is { } maxAge && time.GetUtcNow() - stored.Snapshot.CheckedAt <= maxAge));

    private static CheckOutcome.Completed Answered(StoredSnapshot stored, CheckRequest request) =>
        new(OutcomeEvents.Completed(stored, fromCache: true, request.Message.PlannedRecipients), null);

    /// <summary>The call gate deferred a call too far off to wait for in place: park until the time it named, for its reason.</summary>
    private CheckOutcome ParkedOn(CallDeferral deferral, CheckRequest request, CheckTicket ticket, CheckCoalescer.Leadership leadership) =>
        Parked(request, budget.Later(ticket, deferral.NotBefore, deferral.Reason), leadership);

    private CheckOutcome Parked(CheckRequest request, Admission admission, CheckCoalescer.Leadership? leadership = null, GraphErrorDetails? metaSaid = null)
    {
        switch (admission)
        {
            case Admission.Deferred deferred:
                leadership?.ParkUntil(deferred.NotBefore);
                return new CheckOutcome.Parked(deferred.NotBefore, deferred.Slot, deferred.Reason);
            case Admission.Exhausted exhausted:
                var retryAfter = exhausted.NotBefore - time.GetUtcNow();
                return CheckOutcome.Refused(request.Message, new Rejection(RejectionReasons.Throttled,
                    $"{exhausted.Reason.Describe()}; the next chance is {exhausted.NotBefore:O}, later than Budget:MaxParkTime lets a check wait.",
                    metaSaid?.Code, metaSaid?.Subcode, retryAfter > TimeSpan.Zero ? retryAfter : TimeSpan.Zero));
            default:
                throw new InvalidOperationException($"Unexpected admission {admission.GetType().Name}.");
        }
    }

    /// <summary>
    /// Meta failed the call after its own retries: park the check with a wait that grows with how
    /// long Meta has been failing it, and once that outlasts the deadline, answer it.
    /// </summary>
    private CheckOutcome UpstreamUnavailable(CheckRequest request, CheckCoalescer.Leadership leadership, GraphTransientException ex)
    {
        var now = time.GetUtcNow();
        var failingSince = request.UpstreamFailingSince ?? now;
        var deadline = failingSince + options.Value.UpstreamDeadline;
        if (now >= deadline)
        {
            return CheckOutcome.Refused(request.Message, new Rejection(RejectionReasons.UpstreamUnavailable,
                $"Meta could not be reached for {(now - failingSince).TotalSeconds:0} s ({ex.Message}); nothing is known about the node.",
                ex.Details.Code, ex.Details.Subcode, LongestUpstreamWait));
        }

        var wait = Clamp(now - failingSince, FirstUpstreamWait, LongestUpstreamWait);
        var until = now + wait < deadline ? now + wait : deadline;
        leadership.ParkUntil(until);
        return new CheckOutcome.Parked(until, null, WaitReason.UpstreamUnavailable, failingSince);
    }

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) => value < min ? min : value > max ? max : value;
}
