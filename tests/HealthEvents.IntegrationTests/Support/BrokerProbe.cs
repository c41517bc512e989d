using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace HealthEvents.IntegrationTests.Support;

/// <summary>Raw RabbitMQ access for what MassTransit would not do: publish arbitrary bytes and count queued messages.</summary>
public sealed class BrokerProbe : IAsyncDisposable
{
    private readonly IConnection _connection;

    private BrokerProbe(IConnection connection) => _connection = connection;

    public static async Task<BrokerProbe> ConnectAsync(Uri address) =>
        new(await new ConnectionFactory { Uri = address }.CreateConnectionAsync(TestContext.Current.CancellationToken));

    /// <summary>
    /// Puts <paramref name="body"/> straight into <paramref name="queue"/> (declared durable if it is not
    /// there yet), with <paramref name="headers"/>, as MassTransit leaves a faulted message in an error queue.
    /// </summary>
    public async Task PutInQueueAsync(string queue, byte[] body, IDictionary<string, object?> headers)
    {
        await using var channel = await _connection.CreateChannelAsync(cancellationToken: TestContext.Current.CancellationToken);
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: TestContext.Current.CancellationToken);
        var properties = new BasicProperties { ContentType = "application/vnd.masstransit+json", Persistent = true, MessageId = Guid.NewGuid().ToString(), Headers = headers };
        await channel.BasicPublishAsync("", queue, mandatory: false, properties, body, TestContext.Current.CancellationToken);
    }

    /// <summary>Messages ready in <paramref name="queue"/>; -1 while the queue does not exist.</summary>
    public async Task<long> MessageCountAsync(string queue) => await DeclarePassiveAsync(queue) is { } ok ? ok.MessageCount : -1;

    /// <summary>Consumers subscribed to <paramref name="queue"/> (active or waiting); -1 while the queue does not exist.</summary>
    public async Task<long> ConsumerCountAsync(string queue) => await DeclarePassiveAsync(queue) is { } ok ? ok.ConsumerCount : -1;

    private async Task<QueueDeclareOk?> DeclarePassiveAsync(string queue)
    {
        await using var channel = await _connection.CreateChannelAsync(cancellationToken: TestContext.Current.CancellationToken);
        try
        {
            return await channel.QueueDeclarePassiveAsync(queue, TestContext.Current.CancellationToken);
        }
        catch (OperationInterruptedException)
        {
            return null;
        }
    }

    /// <summary>Publishes <paramref name="body"/> as is to an exchange, as a non-MassTransit producer would.</summary>
    public async Task PublishRawAsync(string exchange, byte[] body, string contentType = "application/vnd.masstransit+json")
    {
        await using var channel = await _connection.CreateChannelAsync(cancellationToken: TestContext.Current.CancellationToken);
        var properties = new BasicProperties { ContentType = contentType, Persistent = true, MessageId = Guid.NewGuid().ToString() };
        await channel.BasicPublishAsync(exchange, "", mandatory: false, properties, body, TestContext.Current.CancellationToken);
    }

    /// <summary>The bodies of every message in <paramref name="queue"/>, as text, leaving them there (fetched, then requeued).</summary>
    public async Task<List<string>> PeekAllAsync(string queue) => [.. (await PeekAsync(queue)).Select(m => m.Body)];

    /// <summary>Why MassTransit moved each message of an error queue there: its <c>MT-Fault-Message</c> header, then the exception type and stack.</summary>
    public async Task<List<(string Message, string Where)>> FaultReasonsAsync(string queue) =>
        [.. (await PeekAsync(queue)).Select(m => (m.FaultMessage ?? "", m.FaultWhere ?? ""))];

    private async Task<List<(string Body, string? FaultMessage, string? FaultWhere)>> PeekAsync(string queue)
    {
        await using var channel = await _connection.CreateChannelAsync(cancellationToken: TestContext.Current.CancellationToken);
        var bodies = new List<(string, string?, string?)>();
        try
        {
            while (await channel.BasicGetAsync(queue, autoAck: false, TestContext.Current.CancellationToken) is { } message)
            {
                bodies.Add((System.Text.Encoding.UTF8.GetString(message.Body.Span), Header(message, "MT-Fault-Message"),
                    Header(message, "MT-Fault-ExceptionType") + Environment.NewLine + Header(message, "MT-Fault-StackTrace")));
            }
        }
        catch (OperationInterruptedException)
        {
            // No such queue: nothing in it.
        }

        return bodies;
    }

    private static string? Header(BasicGetResult message, string name)
    {
        object? value = null;
        message.BasicProperties.Headers?.TryGetValue(name, out value);
        return value is byte[] text ? System.Text.Encoding.UTF8.GetString(text) : null;
    }

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
}
