using System.Globalization;
using HealthEvents.Contracts;
using HealthEvents.Core.Bus;
using HealthEvents.Core.HealthChecks;
using HealthEvents.Domain.Tenants;
using MassTransit;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace HealthEvents.Http.Api;

/// <summary>
/// <c>GET /v1/health-status</c>: a node's health now. The check goes through the bus like any other
/// (so budgets, coalescing and the store apply) as a request the consumer answers; a snapshot
/// within <c>MaxAge</c> answers without calling Meta. <c>?Action=GetWhatsappHealthStatus</c> gives
/// Alibaba's response shape (<see cref="AlibabaHealthData"/>); without it <c>Data</c> is the
/// <see cref="HealthCheckCompleted"/> contract. Either way the same envelope and codes.
/// </summary>
public static class HealthStatusEndpoints
{
    public static async Task<IResult> GetAsync(
        HttpContext http, IBus bus, ITenantRegistry tenants, IOptions<BusOptions> busOptions, IOptions<HttpApiOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(http);
        var (request, code, problem) = HealthStatusQuery.Read(http.Request.Query, time.GetUtcNow());
        if (request is null)
        {
            return ApiAnswers.Error(http, code!, problem!);
        }

        if (CheckAccess.Problem(ApiCaller.Of(http), request, tenants) is { } refused)
        {
            return refused.ToResult(http);
        }

        var timeout = options.Value.AnswerTimeout;
        switch (await bus.AskAsync(CheckQueues.InProcessAddressOf(busOptions.Value), request, timeout, http.RequestAborted))
        {
            case CheckAnswer.Completed { Outcome: var completed }:
                http.Response.Headers["X-HealthEvents-From-Cache"] = completed.FromCache ? "true" : "false";
                http.Response.Headers["X-HealthEvents-Version"] = completed.Version.ToString(CultureInfo.InvariantCulture);
                http.Response.Headers["X-HealthEvents-Checked-At"] = completed.Snapshot.CheckedAt.ToString("O", CultureInfo.InvariantCulture);
                return HealthStatusQuery.IsAlibabaForm(http.Request.Query)
                    ? ApiAnswers.Ok(http, AlibabaHealthData.From(completed))
                    : ApiAnswers.Ok(http, completed);

            case CheckAnswer.Rejected { Outcome: var rejected }:
                var rejectionCode = ApiCodes.ForRejection(rejected.Reason);
                return ApiAnswers.Error(http, rejectionCode, rejected.Detail, rejected.RetryAfter,
                    rejected.Reason == RejectionReasons.AccessDenied ? rejected.Detail : null);

            default:
                return ApiAnswers.Error(http, ApiCodes.Timeout,
                    $"No answer within {timeout.TotalSeconds:0.#} s. The check goes on: ask again with MaxAge, or read /v1/events.");
        }
    }
}
