using HealthEvents.Contracts;
using HealthEvents.Core.Throttling;
using HealthEvents.Domain.HealthChecks;
using HealthEvents.Domain.Tenants;
using HealthEvents.Graph;
using HealthEvents.Graph.Errors;
using HealthEvents.Storage;
using Microsoft.Extensions.Options;

namespace HealthEvents.Core.HealthChecks;

/// <summary>
/// One health check, start to finish: validate, check the tenant owns the WABA, resolve the node,
/// answer from a fresh-enough snapshot or ask Meta, and store the answer. Invalid and denied
/// requests end before any Graph call. Transient failures are thrown for the retry policy.
/// </summary>
public sealed class HealthCheckProcessor(
    ITenantRegistry tenants,
    NodeResolver resolver,
    GraphApiClient graph,
    IHealthStore store,
    SnapshotRecorder recorder,
    IOptions<ThrottlingOptions> throttling,
    TimeProvider time)
{
    public async Task<CheckOutcome> ProcessAsync(HealthCheckRequested request, long messageBytes, CancellationToken cancellationToken)
    {
        if (!RequestValidator.TryValidate(request, messageBytes, out var target, out var invalid))
        {
            return CheckOutcome.Refused(request, invalid);
        }

        if (!tenants.TryGet(target.CustSpaceId, out var tenant))
        {
            return CheckOutcome.Refused(request, new Rejection(RejectionReasons.AccessDenied, $"Customer space '{target.CustSpaceId}' is not registered."));
        }

        if (!tenant.Owns(target.WabaId))
        {
            return CheckOutcome.Refused(request, new Rejection(RejectionReasons.AccessDenied, $"WABA {target.WabaId} does not belong to customer space '{target.CustSpaceId}'."));
        }

        try
        {
            return await resolver.ResolveAsync(target, tenant, cancellationToken) switch
            {
                Resolution.Found found => await CheckAsync(target, tenant, found, cancellationToken),
                Resolution.NotResolved notResolved => CheckOutcome.Refused(request, notResolved.Rejection),
                var other => throw new InvalidOperationException($"Unknown resolution {other.GetType().Name}."),
            };
        }
        catch (GraphPermanentException ex)
        {
            return CheckOutcome.Refused(request, new Rejection(RejectionReasons.UpstreamRejected,
                $"Meta refused the request ({ex.Reason}): {ex.Message}", ex.Details.Code, ex.Details.Subcode));
        }
        catch (GraphThrottledException ex) when (ex.RetryAfter > throttling.Value.MaxBackoffWait)
        {
            // Short pauses are waited out by the rate gate on retry; long ones go back to the caller.
            return CheckOutcome.Refused(request, new Rejection(RejectionReasons.Throttled,
                $"Meta is throttling this customer space: {ex.Message}", ex.Details.Code, ex.Details.Subcode, ex.RetryAfter));
        }
    }

    private async Task<CheckOutcome> CheckAsync(CheckTarget target, Tenant tenant, Resolution.Found node, CancellationToken cancellationToken)
    {
        var key = new NodeKey(target.CustSpaceId, target.NodeType, node.NodeId);
        var stored = target.MaxAge is null ? null : await store.GetAsync(key, cancellationToken);
        if (stored is not null && time.GetUtcNow() - stored.Snapshot.CheckedAt <= target.MaxAge)
        {
            return new CheckOutcome.Completed(OutcomeEvents.Completed(stored, fromCache: true), null);
        }

        var snapshot = await graph.GetHealthStatusAsync(key.NodeId, GraphCaller.For(tenant), cancellationToken);
        var recorded = await recorder.RecordAsync(key, node.Identity, snapshot, stored, cancellationToken);
        return new CheckOutcome.Completed(OutcomeEvents.Completed(recorded.Stored, fromCache: false), recorded.Change);
    }
}
