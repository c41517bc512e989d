using HealthEvents.Core.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace HealthEvents.Core.Bus;

/// <summary>
/// Whether the broker accepts publishes now. While it does not (a RabbitMQ memory or disk alarm
/// blocks every publishing connection), a check waits before it starts: calling Meta for an answer
/// that cannot be sent only spends the tenant's budget and piles up outcomes to send later.
/// </summary>
public interface IPublishFlow
{
    /// <summary>Completes at once while publishes flow; otherwise when the broker lifts the block.</summary>
    Task WaitUntilOpenAsync(CancellationToken cancellationToken);
}

/// <summary>The in-memory transport never blocks.</summary>
public sealed class AlwaysOpenPublishFlow : IPublishFlow
{
    public Task WaitUntilOpenAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// Watches RabbitMQ's <c>connection.blocked</c> / <c>connection.unblocked</c> on a connection of its
/// own. The broker tells a connection it is blocked only when that connection publishes, so the
/// watch publishes a small, unroutable probe every second (the default exchange drops it).
/// </summary>
public sealed class RabbitMqPublishFlow(BrokerConnector broker, ILogger<RabbitMqPublishFlow> logger) : BackgroundService, IPublishFlow
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);
    private readonly Lock _lock = new();
    private TaskCompletionSource _open = Opened();

    private bool IsBlocked => !_open.Task.IsCompleted;

    public Task WaitUntilOpenAsync(CancellationToken cancellationToken)
    {
        var open = _open.Task;
        return open.IsCompleted ? Task.CompletedTask : open.WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using var connection = await broker.ConnectAsync("healthevents-flow-watch", stoppingToken);
            connection.ConnectionBlockedAsync += OnBlockedAsync;
            connection.ConnectionUnblockedAsync += OnUnblockedAsync;
            connection.ConnectionShutdownAsync += OnShutdownAsync;
            await using var channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken);
            using var timer = new PeriodicTimer(ProbeInterval);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (!IsBlocked && channel.IsOpen)
                {
                    // No confirm is asked for: the probe only has to be a publish, so the broker sends its block notice.
                    await channel.BasicPublishAsync("", "healthevents.flow-probe", ReadOnlyMemory<byte>.Empty, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            Open();
        }
    }

    private Task OnBlockedAsync(object sender, ConnectionBlockedEventArgs args)
    {
        lock (_lock)
        {
            if (_open.Task.IsCompleted)
            {
                _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                logger.LogWarning("The broker is blocking publishers ({Reason}): checks wait until it lifts the block", LogSafe.Text(args.Reason));
            }
        }

        return Task.CompletedTask;
    }

    private Task OnUnblockedAsync(object sender, AsyncEventArgs args)
    {
        if (IsBlocked)
        {
            logger.LogInformation("The broker accepts publishes again: checks resume");
        }

        Open();
        return Task.CompletedTask;
    }

    // A lost watch connection must not hold checks forever; MassTransit's own connection decides then.
    private Task OnShutdownAsync(object sender, ShutdownEventArgs args)
    {
        Open();
        return Task.CompletedTask;
    }

    private void Open()
    {
        lock (_lock)
        {
            _open.TrySetResult();
        }
    }

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }
}
