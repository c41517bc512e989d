namespace HealthEvents.Core.Bus;

/// <summary>Reading MassTransit's RabbitMQ endpoint addresses.</summary>
public static class QueueAddresses
{
    /// <summary>The queue name in an input address (<c>rabbitmq://host/vhost/queue?…</c>, or <c>queue:name</c>).</summary>
    public static string NameOf(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return Uri.UnescapeDataString(address.IsAbsoluteUri && address.Scheme == "queue" ? address.AbsolutePath : address.Segments[^1]);
    }
}
