using System.ComponentModel.DataAnnotations;

namespace HealthEvents.Service.Bus;

/// <summary>Configuration section <c>Bus</c>.</summary>
public sealed class BusOptions
{
    public const string SectionName = "Bus";

    /// <summary><c>InMemory</c> (embedded default, single process) or <c>RabbitMq</c> (production).</summary>
    [Required, RegularExpression("^(InMemory|RabbitMq)$", ErrorMessage = "Bus:Transport must be 'InMemory' or 'RabbitMq'.")]
    public string Transport { get; set; } = "InMemory";

    /// <summary>Broker address, <c>amqp://user:password@host:port/vhost</c>. Never logged.</summary>
    public Uri RabbitMqUri { get; set; } = new("amqp://guest:guest@localhost:5672/");

    /// <summary>The queue that receives <c>HealthCheckRequested</c> (sent to directly, or bound to the published type).</summary>
    [Required, RegularExpression("^[A-Za-z0-9_.:-]{1,200}$")]
    public string QueueName { get; set; } = "health-check-requested";

    /// <summary>Checks processed at once across all tenants.</summary>
    [Range(1, 10_000)]
    public int ConcurrentMessageLimit { get; set; } = 64;

    [Range(1, 65_535)]
    public int PrefetchCount { get; set; } = 128;

    /// <summary>Retries of a check that failed transiently before it moves to the error queue.</summary>
    [Range(0, 20)]
    public int RetryLimit { get; set; } = 5;
}
