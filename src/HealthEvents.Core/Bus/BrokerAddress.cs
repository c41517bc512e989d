using MassTransit;
using RabbitMQ.Client;

namespace HealthEvents.Core.Bus;

/// <summary>
/// How a broker address becomes a connection, for MassTransit and for the plain client alike:
/// scheme (amqps = TLS), host, port, virtual host and escaped credentials come from the URI, and an
/// address without user info connects as RabbitMQ's own default user (MassTransit alone would send
/// empty credentials).
/// </summary>
public static class BrokerAddress
{
    /// <summary>RabbitMQ's own default user, used when the address carries no user info.</summary>
    public static (string User, string Password) DefaultCredentials { get; } = ("guest", "guest");

    /// <summary>A RabbitMQ.Client factory for <paramref name="address"/>.</summary>
    public static ConnectionFactory Factory(Uri address, string clientName)
    {
        ArgumentNullException.ThrowIfNull(address);
        var factory = new ConnectionFactory { Uri = address, ClientProvidedName = clientName };
        if (NamesNoUser(address))
        {
            (factory.UserName, factory.Password) = DefaultCredentials;
        }

        return factory;
    }

    /// <summary>MassTransit's host for <paramref name="address"/>.</summary>
    public static void Host(IRabbitMqBusFactoryConfigurator configurator, Uri address)
    {
        ArgumentNullException.ThrowIfNull(configurator);
        ArgumentNullException.ThrowIfNull(address);
        configurator.Host(address, h =>
        {
            if (NamesNoUser(address))
            {
                h.Username(DefaultCredentials.User);
                h.Password(DefaultCredentials.Password);
            }
        });
    }

    private static bool NamesNoUser(Uri address) => address.IsAbsoluteUri && string.IsNullOrEmpty(address.UserInfo);
}
