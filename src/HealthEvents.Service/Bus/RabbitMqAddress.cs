namespace HealthEvents.Service.Bus;

/// <summary>The parts of an <c>amqp://user:password@host:port/vhost</c> address, as MassTransit's host settings want them.</summary>
public sealed record RabbitMqAddress(string Host, ushort Port, string VirtualHost, string Username, string Password, bool UseSsl)
{
    public static RabbitMqAddress Parse(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var ssl = uri.Scheme is "amqps" or "rabbitmqs";
        var user = uri.UserInfo.Split(':', 2);
        var vhost = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        return new RabbitMqAddress(
            uri.Host,
            (ushort)(uri.IsDefaultPort || uri.Port <= 0 ? (ssl ? 5671 : 5672) : uri.Port),
            vhost.Length == 0 ? "/" : vhost,
            user.Length > 0 && user[0].Length > 0 ? Uri.UnescapeDataString(user[0]) : "guest",
            user.Length > 1 ? Uri.UnescapeDataString(user[1]) : "guest",
            ssl);
    }

    /// <summary>Host, port and vhost, for logs: never the credentials.</summary>
    public override string ToString() => $"{Host}:{Port}/{VirtualHost}";
}
