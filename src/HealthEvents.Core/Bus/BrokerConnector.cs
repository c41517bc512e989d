using System.Net.Sockets;
using HealthEvents.Core.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace HealthEvents.Core.Bus;

/// <summary>
/// Plain RabbitMQ client connections to the configured broker, for what MassTransit does not do
/// (topology declarations, watching for the broker blocking publishers). Until the broker is
/// reachable and accepts the credentials it tries again with a growing wait, one warning line per
/// attempt and no stack trace; only cancellation ends the wait.
/// </summary>
public sealed class BrokerConnector(IOptions<BusOptions> bus, ILogger<BrokerConnector> logger)
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    // A broker that refuses a virtual host now and then leaves the client's handshake waiting instead
    // of failing it; an attempt that has not finished by then is a failed attempt, not a hang.
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(15);

    public async Task<IConnection> ConnectAsync(string clientName, CancellationToken cancellationToken)
    {
        var delay = FirstDelay;
        for (var attempt = 1; ; attempt++)
        {
            using var attemptDeadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attemptDeadline.CancelAfter(AttemptTimeout);
            try
            {
                return await OpenAsync(clientName, attemptDeadline.Token);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsConnectFailure(ex))
            {
                logger.LogWarning("Broker at {Broker} {Problem} (attempt {Attempt}); trying again in {Delay} s",
                    LogSafe.Url(bus.Value.RabbitMqUri), Describe(ex), attempt, delay.TotalSeconds);
            }

            await Task.Delay(delay, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
        }
    }

    // Everything the client throws while the broker is away, refusing or slow; not a bug of ours.
    private static bool IsConnectFailure(Exception ex) =>
        ex is BrokerUnreachableException or OperationInterruptedException or OperationCanceledException or TimeoutException
            or IOException or SocketException or System.Threading.Channels.ChannelClosedException;

    /// <summary>A connection proven usable: the broker can refuse the virtual host only once a channel is asked for.</summary>
    private async Task<IConnection> OpenAsync(string clientName, CancellationToken cancellationToken)
    {
        var connection = await BrokerAddress.Factory(bus.Value.RabbitMqUri, clientName).CreateConnectionAsync(cancellationToken);
        try
        {
            await using var probe = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            return connection;
        }
        catch (Exception ex) when (ex is not OperationInterruptedException && connection.CloseReason is { } closed)
        {
            // The broker closed the connection (a refused virtual host, 530) while the channel opened;
            // the client then reports only a closed channel (ChannelClosedException). Say why.
            await connection.DisposeAsync();
            throw new OperationInterruptedException(closed);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>What went wrong, in a few words and never with the address's credentials.</summary>
    private static string Describe(Exception ex)
    {
        var causes = Causes(ex).ToList();
        return causes switch
        {
            _ when causes.OfType<AuthenticationFailureException>().Any() => "refused the credentials",
            _ when causes.OfType<OperationInterruptedException>().Any(e => e.ShutdownReason?.ReplyCode == 530) => "refused access to the virtual host",
            _ when causes.OfType<SocketException>().FirstOrDefault() is { } socket => $"cannot be reached ({socket.SocketErrorCode})",
            _ when causes.OfType<ConnectFailureException>().Any() => "cannot be reached (nothing answers at that host and port)",
            _ when causes[^1] is OperationCanceledException or TimeoutException => $"did not finish the handshake within {AttemptTimeout.TotalSeconds} s",
            _ => $"cannot be reached ({causes[^1].GetType().Name})",
        };
    }

    private static IEnumerable<Exception> Causes(Exception ex)
    {
        for (var cause = ex; cause is not null; cause = cause.InnerException)
        {
            yield return cause;
            if (cause is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Causes))
                {
                    yield return inner;
                }

                yield break;
            }
        }
    }
}
