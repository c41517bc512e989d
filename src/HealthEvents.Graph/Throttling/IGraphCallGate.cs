namespace HealthEvents.Graph.Throttling;

/// <summary>
/// Admits each Graph HTTP attempt against the budgets of its <see cref="GraphCallScope"/>. The
/// client enters it before every attempt (first tries, retries and id resolution alike) and
/// disposes the lease when the attempt is over; it reports Meta's pauses so the budget honours
/// them for the scope Meta named.
/// </summary>
public interface IGraphCallGate
{
    ValueTask<IDisposable> EnterAsync(GraphCallScope scope, CancellationToken cancellationToken);

    void Pause(GraphCallScope scope, MetaPause pause);
}

/// <summary>No budget: only for tests that exercise the client alone, registered explicitly. Never a default.</summary>
public sealed class UnlimitedGraphCallGate : IGraphCallGate
{
    public static UnlimitedGraphCallGate Instance { get; } = new();

    public ValueTask<IDisposable> EnterAsync(GraphCallScope scope, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IDisposable>(NoLease.Instance);

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
