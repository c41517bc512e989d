namespace HealthEvents.Core.Bus;

/// <summary>
/// Bus calls made for someone who is waiting (an HTTP caller, Meta's webhook): with the broker
/// away, MassTransit waits for a connection whatever its token says, and a request can even block
/// its caller's thread while it does. These bound the wait (a <see cref="TimeoutException"/>) and
/// observe what is left behind, so an abandoned call that fails later is not an unobserved fault.
/// </summary>
public static class BoundedSend
{
    public static async Task<T> WithinAsync<T>(Func<Task<T>> call, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var running = Task.Run(call, CancellationToken.None);
        _ = running.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        return await running.WaitAsync(timeout, cancellationToken);
    }

    public static Task WithinAsync(Func<Task> call, TimeSpan timeout, CancellationToken cancellationToken) =>
        WithinAsync(async () =>
        {
            await call();
            return true;
        }, timeout, cancellationToken);
}
