using HealthEvents.Core.Bus;
using HealthEvents.Core.Hosting;
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
        var factory = new ConnectionFactory { Uri = address, ClientProvidedName = clientName };
        if (DefaultCredentials(address) is var (user, password))
        {
            (factory.UserName, factory.Password) = (user, password);
        }

        try
        {
            return await factory.CreateConnectionAsync(cancellationToken);
        }
        catch (BrokerUnreachableException)
        {
            await Console.Error.WriteLineAsync($"Cannot connect to the broker at {LogSafe.Url(address)}.");
            return null;
        }
    }

    /// <summary>RabbitMQ's default user when the address names none (as the service does).</summary>
    public static (string User, string Password)? DefaultCredentials(Uri address) =>
        string.IsNullOrEmpty(address?.UserInfo) ? BusOptions.DefaultCredentials : null;
}
