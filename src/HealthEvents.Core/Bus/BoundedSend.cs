using HealthEvents.Contracts;
using MassTransit;

namespace HealthEvents.Core.Bus;

/// <summary>
/// Bus calls made for someone who is waiting (an HTTP caller, Meta's webhook, the refresh's next
/// round): with the broker away, MassTransit waits for a connection whatever its token says, and a
/// request can even block its caller's thread while it does. These bound the wait (a
/// <see cref="TimeoutException"/>) and observe what is left behind, so an abandoned call that fails
/// later is not an unobserved fault.
/// </summary>
public static class BoundedSend
{
    /// <summary>
    /// The one way the service sends itself a check (HTTP, webhooks, the scheduled refresh): to
    /// <see cref="CheckQueues.InProcessAddressOf"/>, each with its MessageId, all of them within <paramref name="within"/>.
    /// </summary>
    public static Task SendChecksAsync(
        this ISendEndpointProvider bus, BusOptions options, IReadOnlyList<(HealthCheckRequested Check, Guid MessageId)> checks, TimeSpan within, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(checks);
        return WithinAsync(async () =>
        {
            using var sending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            sending.CancelAfter(within);
            var entry = await bus.GetSendEndpoint(CheckQueues.InProcessAddressOf(options));
            foreach (var (check, messageId) in checks)
            {
                await entry.Send(check, c => c.MessageId = messageId, sending.Token);
            }
        }, within, cancellationToken);
    }

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
