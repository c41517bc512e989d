using System.Security.Cryptography;
using System.Text.Json;
using HealthEvents.Core.Bus;
using HealthEvents.Core.Telemetry;
using HealthEvents.Domain.Tenants;
using HealthEvents.Http.Api;
using MassTransit;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HealthEvents.Http.Webhooks;

/// <summary>
/// <c>/webhooks/meta</c>: Meta's subscription handshake (GET) and its signed deliveries (POST).
/// A delivery is refused unread when too large, and unsigned or mis-signed ones are refused before
/// parsing; no body is ever logged. A good one is answered at once: its re-checks are queued (and
/// coalesce with checks already pending), and the same delivery again (Meta retries) within
/// <see cref="MetaWebhookOptions.DuplicateWindow"/> queues nothing more.
/// </summary>
public static class MetaWebhookEndpoints
{
    private const int MaxChallengeLength = 256;

    public sealed record DeliveryReceipt(IReadOnlyList<Guid> Rechecks, IReadOnlyDictionary<string, int> Handled, bool Duplicate);

    public static IResult Handshake(HttpContext http, HttpSecrets secrets)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(secrets);
        if (secrets.AppSecret is null)
        {
            return Results.NotFound();
        }

        var query = http.Request.Query;
        var challenge = query["hub.challenge"].ToString();
        return query["hub.mode"] == "subscribe"
               && secrets.VerifyToken is { } token && token.Matches(query["hub.verify_token"])
               && challenge.Length is > 0 and <= MaxChallengeLength
            ? Results.Text(challenge, "text/plain")
            : Results.StatusCode(StatusCodes.Status403Forbidden);
    }

    public static async Task<IResult> ReceiveAsync(
        HttpContext http, HttpSecrets secrets, IOptions<MetaWebhookOptions> options, ITenantRegistry tenants, IBus bus,
        IOptions<BusOptions> busOptions, IOptions<HttpApiOptions> httpOptions, IMemoryCache seen, HealthEventsMetrics metrics, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(secrets);
        var logger = loggers.CreateLogger(typeof(MetaWebhookEndpoints).FullName!);
        if (secrets.AppSecret is not { } appSecret)
        {
            return Results.NotFound();
        }

        var max = options.Value.MaxBodyBytes;
        var body = await RequestBodies.ReadAtMostAsync(http.Request, max);
        if (body is null)
        {
            logger.LogWarning("Meta webhook refused: the body is over {MaxBodyBytes} bytes", max);
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        if (!WebhookSignature.IsValid(body, http.Request.Headers["X-Hub-Signature-256"], appSecret))
        {
            logger.LogWarning("Meta webhook refused: {Problem} ({Bytes} bytes)",
                http.Request.Headers.ContainsKey("X-Hub-Signature-256") ? "the signature does not match" : "no X-Hub-Signature-256", body.Length);
            return Results.StatusCode(StatusCodes.Status401Unauthorized);
        }

        var delivery = Convert.ToHexString(SHA256.HashData(body));
        if (seen.TryGetValue(CacheKey(delivery), out _))
        {
            metrics.WebhookChange("(delivery)", "duplicate");
            return Results.Json(new DeliveryReceipt([], new Dictionary<string, int>(), Duplicate: true), ApiJson.Options);
        }

        IReadOnlyList<WebhookChange>? changes;
        try
        {
            using var document = JsonDocument.Parse(body);
            changes = MetaWebhookMapper.Map(document.RootElement, tenants, time.GetUtcNow());
        }
        catch (JsonException)
        {
            logger.LogWarning("Meta webhook refused: signed, but not JSON ({Bytes} bytes)", body.Length);
            return Results.StatusCode(StatusCodes.Status400BadRequest);
        }

        if (changes is null)
        {
            metrics.WebhookChange("(delivery)", "not_whatsapp_business_account");
            return Results.Json(new DeliveryReceipt([], new Dictionary<string, int>(), Duplicate: false), ApiJson.Options);
        }

        var rechecks = new List<Guid>();
        try
        {
            // Bounded: with the broker away Meta gets a 503 soon and delivers again later. The same
            // delivery gives the same ids, so a re-check queued twice is one request twice.
            var sends = changes.Select((change, i) => (change.Recheck, MessageId: DeliveryCheckId(delivery, i)))
                .Where(c => c.Recheck is not null)
                .Select(c => (c.Recheck!, c.MessageId))
                .ToList();
            await bus.SendChecksAsync(busOptions.Value, sends, httpOptions.Value.AnswerTimeout, http.RequestAborted);
            rechecks.AddRange(sends.Select(s => s.MessageId));
        }
        catch (Exception ex) when (!http.RequestAborted.IsCancellationRequested)
        {
            logger.LogError("Meta webhook: re-checks could not be queued ({Error}); Meta will deliver again", ex.GetType().Name);
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        foreach (var change in changes)
        {
            metrics.WebhookChange(change.Field, change.Handling);
        }

        seen.Set(CacheKey(delivery), true, options.Value.DuplicateWindow);
        var handled = changes.GroupBy(c => c.Handling).ToDictionary(g => g.Key, g => g.Count());
        logger.LogInformation("Meta webhook: {Changes} changes, {Rechecks} re-checks queued", changes.Count, rechecks.Count);
        return Results.Json(new DeliveryReceipt(rechecks, handled, Duplicate: false), ApiJson.Options);
    }

    private static string CacheKey(string delivery) => "meta-webhook:" + delivery;

    private static Guid DeliveryCheckId(string delivery, int change) =>
        new(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{delivery}/{change}")).AsSpan(0, 16));
}
