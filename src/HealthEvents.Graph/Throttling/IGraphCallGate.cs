namespace HealthEvents.Graph.Throttling;

/// <summary>
/// Admits each Graph HTTP attempt against the calling tenant's budget. The client enters it before
/// every attempt (first tries, retries and id resolution alike) and disposes the lease when the
/// attempt is over; it reports Meta's back-off requests so the tenant pauses.
/// </summary>
public interface IGraphCallGate
{
    ValueTask<IDisposable> EnterAsync(string custSpaceId, CancellationToken cancellationToken);

    void BackOff(string custSpaceId, TimeSpan retryAfter);
}

/// <summary>No budget: only for tests that exercise the client alone, registered explicitly. Never a default.</summary>
public sealed class UnlimitedGraphCallGate : IGraphCallGate
{
    public static UnlimitedGraphCallGate Instance { get; } = new();

    public ValueTask<IDisposable> EnterAsync(string custSpaceId, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IDisposable>(NoLease.Instance);

    public void BackOff(string custSpaceId, TimeSpan retryAfter)
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
