using HealthEvents.Graph;
using HealthEvents.Graph.Throttling;
using Microsoft.Extensions.Options;

namespace HealthEvents.Core.Budgets;

/// <summary>
/// The Graph client's per-attempt gate, answered by <see cref="GraphBudget.AdmitCall"/>. A check
/// already running waits in place for its next call when that is at most
/// <see cref="BudgetOptions.MaxBackoffWait"/> away (the next permit of its own window, usually);
/// further off, the gate returns the budget's deferral as it is, and the check is parked on it.
/// </summary>
public sealed class BudgetCallGate(GraphBudget budget, IOptions<BudgetOptions> options, TimeProvider time) : IGraphCallGate
{
    public async ValueTask<CallPermit> EnterAsync(GraphCallScope scope, CancellationToken cancellationToken)
    {
        while (true)
        {
            switch (budget.AdmitCall(scope))
            {
                case Admission.Granted granted:
                    return new CallPermit.Go(granted.Lease);
                case Admission.Deferred deferred when deferred.NotBefore - time.GetUtcNow() is var wait && wait <= options.Value.MaxBackoffWait:
                    await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1), time, cancellationToken);
                    break;
                case Admission.Deferred deferred:
                    return new CallPermit.Later(new CallDeferral(deferred.NotBefore, deferred.Reason));
                case var other:
                    throw new InvalidOperationException($"Unexpected call admission {other.GetType().Name}.");
            }
        }
    }

    public void Pause(GraphCallScope scope, MetaPause pause) => budget.Pause(scope, pause);
}
