using HealthEvents.Core.Bus;
using HealthEvents.Core.Hosting;
using MassTransit;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Microsoft.Extensions.Configuration;

namespace HealthEvents.Cli;

/// <summary>Which broker and queue a command talks to: <c>--broker</c>, else the configuration's <c>Bus</c> section.</summary>
public static class CliBroker
{
    public static BusOptions Bus(FileInfo? config) =>
        CliConfiguration.Load(config).GetSection(BusOptions.SectionName).Get<BusOptions>() ?? new BusOptions();

    /// <summary>The broker address, or null (with the reason written) when <paramref name="given"/> is not an address.</summary>
    public static Uri? Address(BusOptions bus, string? given)
    {
        ArgumentNullException.ThrowIfNull(bus);
        if (given is null)
        {
            return bus.RabbitMqUri;
        }

        if (Uri.TryCreate(given, UriKind.Absolute, out var address) && address.Scheme is "amqp" or "amqps")
        {
            return address;
        }

        Console.Error.WriteLine("--broker must be an amqp:// or amqps:// address.");
        return null;
    }

    /// <summary>One connection attempt (a tool fails fast; the service is the one that waits): null, with the reason written, when it fails.</summary>
    public static async Task<IConnection?> ConnectAsync(Uri address, string clientName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        try
        {
            return await BrokerAddress.Factory(address, clientName).CreateConnectionAsync(cancellationToken);
        }
        catch (BrokerUnreachableException)
        {
            await Console.Error.WriteLineAsync($"Cannot connect to the broker at {LogSafe.Url(address)}.");
            return null;
        }
    }

    /// <summary>
    /// A started MassTransit bus on the broker, for commands that send or publish; null (with the
    /// reason written) when the broker is not there. It is tried once first: MassTransit itself would keep trying.
    /// </summary>
    public static async Task<IBusControl?> StartBusAsync(Uri address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        await using (var probe = await ConnectAsync(address, "healthevents-cli", cancellationToken))
        {
            if (probe is null)
            {
                return null;
            }
        }

        var bus = MassTransit.Bus.Factory.CreateUsingRabbitMq(cfg => BrokerAddress.Host(cfg, address));
        using var connecting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        connecting.CancelAfter(TimeSpan.FromSeconds(15));
        try
        {
            await bus.StartAsync(connecting.Token);
            return bus;
        }
        catch (Exception ex) when (ex is OperationCanceledException or MassTransitException)
        {
            await Console.Error.WriteLineAsync($"Cannot connect to the broker at {LogSafe.Url(address)}.");
            return null;
        }
    }
}
