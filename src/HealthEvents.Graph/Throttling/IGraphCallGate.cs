namespace HealthEvents.Graph.Throttling;

/// <summary>
/// Admits each Graph HTTP attempt against the budgets of its <see cref="GraphCallScope"/>. The
/// client enters it before every attempt (first tries, retries and id resolution alike) and
/// disposes the lease when the attempt is over; it reports Meta's pauses so the budget honours
/// them for the scope Meta named.
/// </summary>
public interface IGraphCallGate
{
    /// <summary>Go with a lease, or the time the next call may go and why (the client stops there and returns it).</summary>
    ValueTask<CallPermit> EnterAsync(GraphCallScope scope, CancellationToken cancellationToken);

    void Pause(GraphCallScope scope, MetaPause pause);
}

/// <summary>The gate's answer for one attempt: a closed set.</summary>
public abstract record CallPermit
{
    private CallPermit()
    {
    }

    /// <summary>Call now; dispose the lease when the attempt is over.</summary>
    public sealed record Go(IDisposable Lease) : CallPermit;

    /// <summary>Not now: the call (and its check) waits until the deferral's time.</summary>
    public sealed record Later(CallDeferral Deferral) : CallPermit;
}

/// <summary>The budget, not Meta, holds a Graph call back until <see cref="NotBefore"/>, because of <see cref="Reason"/>.</summary>
public sealed record CallDeferral(DateTimeOffset NotBefore, WaitReason Reason);

/// <summary>No budget: only for tests that exercise the client alone, registered explicitly. Never a default.</summary>
public sealed class UnlimitedGraphCallGate : IGraphCallGate
{
    public static UnlimitedGraphCallGate Instance { get; } = new();

    private static readonly CallPermit Always = new CallPermit.Go(NoLease.Instance);

    public ValueTask<CallPermit> EnterAsync(GraphCallScope scope, CancellationToken cancellationToken) => ValueTask.FromResult(Always);

    public void Pause(GraphCallScope scope, MetaPause pause)
    {
    }

    private sealed class NoLease : IDisposable
    {
        public static NoLease Instance { get; } = new();

        public void Dispose()
        {
        }
    }
}
