using System.Net.Http.Headers;
using System.Threading.RateLimiting;
using HealthEvents.Contracts;
using MassTransit;

namespace HealthEvents.Bench;

/// <summary>
/// The setup most teams write first, kept as the baseline the service is compared with: MassTransit's
/// <c>UsePartitioner</c> keyed by <c>CustSpaceId</c> and a per-tenant token bucket that the consumer
/// waits on (5 per second), then the Graph call. No parking, no coalescing, no store.
/// </summary>
internal sealed class NaiveBaseline(Uri vhost, Uri graph, IReadOnlyDictionary<string, string> tokens, Latencies latencies) : IAsyncDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = graph };
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(tenant =>
        RateLimitPartition.GetTokenBucketLimiter(tenant, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = 5,
            TokensPerPeriod = 5,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = int.MaxValue,
            AutoReplenishment = true,
        }));

    private IBusControl? _bus;

    public async Task StartAsync()
    {
        _bus = MassTransit.Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(vhost, _ => { });
            cfg.ReceiveEndpoint("naive-health-check-requested", e =>
            {
                e.PrefetchCount = 128;
                e.ConcurrentMessageLimit = 64;
                e.Handler<HealthCheckRequested>(CheckAsync, h => h.UsePartitioner(64, c => c.Message.CustSpaceId));
            });
        });
        await _bus.StartAsync();
    }

    private async Task CheckAsync(ConsumeContext<HealthCheckRequested> context)
    {
        var request = context.Message;
        using var lease = await _limiter.AcquireAsync(request.CustSpaceId, 1, context.CancellationToken);
        using var call = new HttpRequestMessage(HttpMethod.Get, $"v21.0/{request.WabaId}?fields=health_status");
        call.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[request.CustSpaceId]);
        using var response = await _http.SendAsync(call, context.CancellationToken);
        latencies.Answered(context.MessageId);
    }

    public async ValueTask DisposeAsync()
    {
        if (_bus is not null)
        {
            await _bus.StopAsync();
        }

        _limiter.Dispose();
        _http.Dispose();
    }
}
