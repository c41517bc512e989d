using HealthEvents.Graph;
using HealthEvents.Graph.Throttling;
using Microsoft.Extensions.Options;

namespace HealthEvents.Core.Budgets;

/// <summary>
/// The Graph client's per-attempt gate, answered by <see cref="GraphBudget.AdmitCall"/>. A check
/// already running waits in place for its next call when that is at most
/// <see cref="BudgetOptions.MaxBackoffWait"/> away (the next permit of its own window, usually);
/// further off, the attempt ends with <see cref="BudgetDeferredException"/> and the check is parked.
/// </summary>
public sealed class BudgetCallGate(GraphBudget budget, IOptions<BudgetOptions> options, TimeProvider time) : IGraphCallGate
{
    public async ValueTask<IDisposable> EnterAsync(GraphCallScope scope, CancellationToken cancellationToken)
    {
        while (true)
        {
            switch (budget.AdmitCall(scope))
            {
                case Admission.Granted granted:
                    return granted.Lease;
                case Admission.Deferred deferred when deferred.NotBefore - time.GetUtcNow() is var wait && wait <= options.Value.MaxBackoffWait:
                    await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1), time, cancellationToken);
                    break;
                case Admission.Deferred deferred:
                    throw new BudgetDeferredException(deferred.NotBefore, deferred.Reason);
                case var other:
                    throw new InvalidOperationException($"Unexpected call admission {other.GetType().Name}.");
            }
        }
    }

    public void Pause(GraphCallScope scope, MetaPause pause) => budget.Pause(scope, pause);
}

/// <summary>
/// The budget (not Meta) holds a Graph call back until <see cref="NotBefore"/>: the check is parked
/// and tried again then. Carries no secret and no Meta error.
/// </summary>
public sealed class BudgetDeferredException(DateTimeOffset notBefore, WaitReason limit)
    : Exception($"The {limit} budget admits the next Graph call at {notBefore:O}.")
{
    public DateTimeOffset NotBefore { get; } = notBefore;

    public WaitReason Reason { get; } = limit;
}
