using HealthEvents.Core.HealthChecks;
using Microsoft.AspNetCore.Http;

namespace HealthEvents.Http.Api;

/// <summary>
/// Where a check stands, for callers of <c>POST /v1/checks</c> and the dashboard: <c>GET
/// /v1/checks/{checkId}</c> (queued, waiting until when and why, or its answer), and <c>GET
/// /v1/checks?State=Waiting</c> (a space's checks waiting now). From <see cref="CheckStatusBook"/>:
/// this process's view, kept an hour.
/// </summary>
public static class CheckStatusEndpoints
{
    public const int MaxWaiting = 200;

    public sealed record WaitingChecks(IReadOnlyList<CheckStatus> Checks);

    public static IResult GetOne(HttpContext http, Guid checkId, CheckStatusBook book)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(book);
        // Another space's check is as unknown as a check that never was: ids do not leak across keys.
        return book.Find(checkId) is { } status && ApiCaller.Of(http).MayUse(status.CustSpaceId)
            ? ApiAnswers.Ok(http, status)
            : ApiAnswers.Error(http, ApiCodes.NotFound,
                $"No check {checkId} is known here: checks queued through POST /v1/checks and checks announced as waiting are kept for {CheckStatusBook.Kept.TotalHours:0} h by the instance that queued or ran them.");
    }

    public static IResult GetWaiting(HttpContext http, CheckStatusBook book)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(book);
        if (TenantParameter.Resolve(http) is not { } tenant)
        {
            return TenantParameter.Problem(http);
        }

        if (http.Request.Query["State"] is not [CheckStatus.Waiting])
        {
            return ApiAnswers.Error(http, ApiCodes.InvalidParameter, $"State must be {CheckStatus.Waiting}: only waiting checks are listed (one check: GET /v1/checks/{{checkId}}).");
        }

        return ApiAnswers.Ok(http, new WaitingChecks(book.WaitingIn(tenant, MaxWaiting)));
    }
}
