using System.ComponentModel.DataAnnotations;

namespace HealthEvents.Core.Bus;

/// <summary>Configuration section <c>Bus</c>.</summary>
public sealed class BusOptions
{
    public const string SectionName = "Bus";

    /// <summary>See <see cref="BusTransport"/>; the embedded in-memory bus unless told otherwise.</summary>
    [EnumDataType(typeof(BusTransport), ErrorMessage = "Bus:Transport must be 'InMemory' or 'RabbitMq'.")]
    public BusTransport Transport { get; set; } = BusTransport.InMemory;

    /// <summary>
    /// Broker address, <c>amqp://user:password@host:port/vhost</c> (<c>amqps://</c> for TLS), read as
    /// <see cref="BrokerAddress"/> says. Logged only without its credentials.
    /// </summary>
    public Uri RabbitMqUri { get; set; } = new("amqp://guest:guest@localhost:5672/");

    /// <summary>
    /// The entry queue that receives <c>HealthCheckRequested</c> (sent to directly, or bound to the
    /// published type); on RabbitMQ the checks run from <c>{QueueName}.work</c> (<see cref="CheckQueues"/>).
    /// </summary>
    [Required, RegularExpression("^[A-Za-z0-9_.:-]{1,200}$")]
    public string QueueName { get; set; } = "health-check-requested";

    /// <summary>Checks processed at once per queue (the entry queue, and on RabbitMQ the work queue).</summary>
    [Range(1, 10_000)]
    public int ConcurrentMessageLimit { get; set; } = 64;

    /// <summary>Messages the broker hands this process ahead of time, per queue.</summary>
    [Range(1, 65_535)]
    public int PrefetchCount { get; set; } = 128;

    /// <summary>
    /// On RabbitMQ, how many parked checks one process holds at once, each until it is due (the near
    /// parking queue's prefetch). More wait in the queue, in the order they arrived, and come back
    /// late rather than early.
    /// </summary>
    [Range(1, 50_000)]
    public int NearParkingCapacity { get; set; } = 2_000;

    /// <summary>Retries of a check that failed transiently before it moves to the error queue.</summary>
    [Range(0, 20)]
    public int RetryLimit { get; set; } = 5;

    /// <summary>
    /// MassTransit's anonymous usage telemetry (a report sent to masstransit.io after start-up).
    /// Off: a service that holds customers' tokens does not phone home unless told to.
    /// MassTransit's own <c>MASSTRANSIT_USAGE_TELEMETRY</c> environment variable still overrides it.
    /// </summary>
    public bool UsageTelemetry { get; set; }
}

/// <summary>What carries the messages.</summary>
public enum BusTransport
{
    /// <summary>Embedded default: one process, nothing to install; messages do not survive a restart.</summary>
    InMemory,

    /// <summary>Production: durable queues on a RabbitMQ broker.</summary>
    RabbitMq,
}
