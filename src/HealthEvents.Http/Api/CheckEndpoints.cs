using System.Text.Json;
using HealthEvents.Contracts;
using HealthEvents.Core.Bus;
using HealthEvents.Core.HealthChecks;
using HealthEvents.Domain.Tenants;
using MassTransit;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace HealthEvents.Http.Api;

/// <summary>
/// <c>POST /v1/checks</c>: one check (a JSON object) or many (an array), queued for pipelines that
/// take the answer from the bus or <c>/v1/events</c>. All or nothing: one bad check refuses the lot
/// (naming it), so a caller never has to work out which half went. Each gets a <c>CheckId</c>: the
/// request's MessageId, which its outcome events carry as InitiatorId, and which
/// <c>GET /v1/checks/{checkId}</c> answers for (<see cref="CheckStatusEndpoints"/>).
/// </summary>
public static class CheckEndpoints
{
    public sealed record QueuedCheck(Guid CheckId, string CustSpaceId, string NodeType, string? WabaId);

    public sealed record QueuedChecks(IReadOnlyList<QueuedCheck> Checks);

    public static async Task<IResult> PostAsync(
        HttpContext http, IBus bus, ITenantRegistry tenants, CheckStatusBook statuses, IOptions<BusOptions> busOptions, IOptions<HttpApiOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(http);
        var max = options.Value.MaxChecksPerPost;
        var limit = max * (Core.HealthChecks.RequestValidator.MaxMessageBytes / 4);
        var body = await RequestBodies.ReadAtMostAsync(http.Request, limit);
        if (body is null)
        {
            return ApiAnswers.Error(http, ApiCodes.PayloadTooLarge, $"The body may be at most {limit} bytes.");
        }

        var (checks, problem) = Parse(body);
        if (checks is null)
        {
            return ApiAnswers.Error(http, ApiCodes.InvalidParameter, problem!);
        }

        if (checks.Count == 0 || checks.Count > max)
        {
            return ApiAnswers.Error(http, ApiCodes.InvalidParameter, $"Send 1 to {max} checks; this body has {checks.Count}.");
        }

        var caller = ApiCaller.Of(http);
        var now = time.GetUtcNow();
        for (var i = 0; i < checks.Count; i++)
        {
            checks[i] = checks[i].RequestedAt == default ? checks[i] with { RequestedAt = now } : checks[i];
            if (CheckAccess.Problem(caller, checks[i], tenants) is { } refused)
            {
                return (refused with { Message = $"Check {i}: {(refused.Code == ApiCodes.NoPermission ? refused.AccessDenied : refused.Message)}" }).ToResult(http);
            }
        }

        // A broker that is away must not hold the caller: past AnswerTimeout this is ServiceUnavailable (ApiGate).
        var sent = checks.Select(check => (Check: check, MessageId: NewId.NextGuid())).ToList();
        // In the book before they are sent, so an answer that comes back at once finds them there.
        sent.ForEach(s => statuses.Queued(s.MessageId, s.Check));
        try
        {
            await bus.SendChecksAsync(busOptions.Value, sent, options.Value.AnswerTimeout, http.RequestAborted);
        }
        catch
        {
            sent.ForEach(s => statuses.Unqueued(s.MessageId));
            throw;
        }

        var queued = sent.Select(s => new QueuedCheck(s.MessageId, s.Check.CustSpaceId, s.Check.NodeType, s.Check.WabaId)).ToList();

        return ApiAnswers.Accepted(http, new QueuedChecks(queued));
    }

    private static (List<HealthCheckRequested>? Checks, string? Problem) Parse(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            return root.ValueKind switch
            {
                JsonValueKind.Object => ([root.Deserialize<HealthCheckRequested>(ApiJson.Options)!], null),
                JsonValueKind.Array => ([.. root.EnumerateArray().Select(Item)], null),
                _ => (null, "The body must be a check (a JSON object) or an array of checks."),
            };
        }
        catch (JsonException ex)
        {
            // The reader's message names the path and position, never the values it read.
            return (null, $"The body is not a check or an array of checks: {ex.Message}");
        }

        static HealthCheckRequested Item(JsonElement item) =>
            item.ValueKind == JsonValueKind.Object
                ? item.Deserialize<HealthCheckRequested>(ApiJson.Options)!
                : throw new JsonException("Each array item must be a check (a JSON object).");
    }
}
