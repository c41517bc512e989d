using System.Diagnostics;
using MassTransit;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace HealthEvents.Bench;

/// <summary>
/// What the broker and MassTransit alone can do on this machine, measured in the same run as the
/// service so ratios compare like with like: persistent messages, publisher confirms, manual acks.
/// </summary>
internal static class Floors
{
    private static readonly byte[] Body = System.Text.Encoding.UTF8.GetBytes(
        """{"custSpaceId":"bench-001","nodeType":"WABA","wabaId":"700000000000001","requestedAt":"2026-11-24T00:00:00Z","padding":"........................................................................................................................................"}""");

    /// <summary>RabbitMQ.Client alone: persistent publish with confirms (200 in flight), one consumer, prefetch 200.</summary>
    public static async Task<double> RawClientAsync(Uri vhost, int messages)
    {
        var factory = new ConnectionFactory { Uri = vhost };
        await using var connection = await factory.CreateConnectionAsync();
        await using var publisher = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await using var consumerChannel = await connection.CreateChannelAsync();
        var queue = "bench-floor-raw";
        await publisher.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        await publisher.QueuePurgeAsync(queue);
        await consumerChannel.BasicQosAsync(0, 200, false);

        var consumed = 0;
        var done = new TaskCompletionSource();
        var consumer = new AsyncEventingBasicConsumer(consumerChannel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            await consumerChannel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
            if (Interlocked.Increment(ref consumed) == messages)
            {
                done.TrySetResult();
            }
        };
        await consumerChannel.BasicConsumeAsync(queue, autoAck: false, consumer);

        var clock = Stopwatch.StartNew();
        var properties = new BasicProperties { Persistent = true, ContentType = "application/json" };
        foreach (var chunk in Enumerable.Range(0, messages).Chunk(200))
        {
            await Task.WhenAll(chunk.Select(_ => publisher.BasicPublishAsync("", queue, mandatory: false, properties, Body).AsTask()));
        }

        await done.Task.WaitAsync(TimeSpan.FromMinutes(5));
        return messages / clock.Elapsed.TotalSeconds;
    }

    /// <summary>A bare MassTransit consumer: publish (durable, confirmed) and consume, nothing else.</summary>
    public static async Task<double> BareMassTransitAsync(Uri vhost, int messages)
    {
        var consumed = 0;
        var done = new TaskCompletionSource();
        var bus = MassTransit.Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(vhost, _ => { });
            cfg.ReceiveEndpoint("bench-floor-masstransit", e =>
            {
                e.PrefetchCount = 128;
                e.ConcurrentMessageLimit = 64;
                e.Handler<FloorMessage>(_ =>
                {
                    if (Interlocked.Increment(ref consumed) == messages)
                    {
                        done.TrySetResult();
                    }

                    return Task.CompletedTask;
                });
            });
        });
        await bus.StartAsync();
        try
        {
            var clock = Stopwatch.StartNew();
            foreach (var chunk in Enumerable.Range(0, messages).Chunk(200))
            {
                await Task.WhenAll(chunk.Select(i => bus.Publish(new FloorMessage("bench-001", "WABA", "700000000000001", DateTimeOffset.UtcNow))));
            }

            await done.Task.WaitAsync(TimeSpan.FromMinutes(5));
            return messages / clock.Elapsed.TotalSeconds;
        }
        finally
        {
            await bus.StopAsync();
        }
    }
}

/// <summary>A message the size and shape of a check.</summary>
public sealed record FloorMessage(string CustSpaceId, string NodeType, string WabaId, DateTimeOffset RequestedAt);
