using HealthEvents.Contracts;
using HealthEvents.Domain.HealthChecks;
using HealthEvents.Domain.Tenants;
using HealthEvents.Graph;
using HealthEvents.Graph.Errors;
using HealthEvents.Service.Throttling;
using HealthEvents.Storage;
using Microsoft.Extensions.Options;

namespace HealthEvents.Service.HealthChecks;

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
        if (RequestValidator.Validate(request, messageBytes) is { } invalid)
        {
            return CheckOutcome.Refused(request, invalid);
        }

        if (!tenants.TryGet(request.CustSpaceId, out var tenant))
        {
            return CheckOutcome.Refused(request, new Rejection(RejectionReasons.AccessDenied, $"Customer space '{request.CustSpaceId}' is not registered."));
        }

        if (!tenant.Owns(request.WabaId!))
        {
            return CheckOutcome.Refused(request, new Rejection(RejectionReasons.AccessDenied, $"WABA {request.WabaId} does not belong to customer space '{request.CustSpaceId}'."));
        }

        try
        {
            var resolution = await resolver.ResolveAsync(request, tenant, cancellationToken);
            if (resolution.Rejection is { } notResolved)
            {
                return CheckOutcome.Refused(request, notResolved);
            }

            var key = new NodeKey(request.CustSpaceId, request.NodeType, resolution.NodeId!);
            var cached = request.MaxAge is null ? null : await store.GetAsync(key, cancellationToken);
            if (cached is not null && time.GetUtcNow() - cached.Snapshot.CheckedAt <= request.MaxAge)
            {
                return CheckOutcome.Done(OutcomeEvents.Completed(cached, fromCache: true), null);
            }

            var snapshot = await graph.GetHealthStatusAsync(key.NodeId, GraphCaller.For(tenant), cancellationToken);
            var recorded = await recorder.RecordAsync(key, resolution.Identity!, snapshot, cached, cancellationToken);
            return CheckOutcome.Done(OutcomeEvents.Completed(recorded.Stored, fromCache: false), recorded.Change);
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
}
