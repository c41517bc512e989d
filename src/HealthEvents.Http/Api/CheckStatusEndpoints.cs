using HealthEvents.Core.HealthChecks;
using HealthEvents.Core.Parking;
using Microsoft.AspNetCore.Http;

namespace HealthEvents.Http.Api;

/// <summary>
/// Where a check stands, for callers of <c>POST /v1/checks</c> and the dashboard: <c>GET
/// /v1/checks/{checkId}</c> (queued, waiting until when and why, or its answer), and <c>GET
/// /v1/checks?State=Waiting</c> (a space's checks waiting now). From <see cref="CheckStatusBook"/>
/// (checks posted here, kept an hour) and <see cref="ParkedChecks"/> (any check waiting here now):
/// this process's view.
/// </summary>
public static class CheckStatusEndpoints
{
    public const int MaxWaiting = 200;

    public sealed record WaitingChecks(IReadOnlyList<CheckStatus> Checks);

    public static IResult GetOne(HttpContext http, Guid checkId, CheckStatusBook book, ParkedChecks parked)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(book);
        ArgumentNullException.ThrowIfNull(parked);
        var status = book.Find(checkId) ?? (parked.Find(checkId) is { } waiting ? CheckStatus.Of(waiting) : null);
        // Another space's check is as unknown as a check that never was: ids do not leak across keys.
        return status is not null && ApiCaller.Of(http).MayUse(status.CustSpaceId)
            ? ApiAnswers.Ok(http, status)
            : ApiAnswers.Error(http, ApiCodes.NotFound,
                $"No check {checkId} is known here: a check queued through POST /v1/checks is kept {CheckStatusBook.Kept.TotalHours:0} h by the instance it was posted to, any other only while it waits on the instance that runs checks.");
    }

    public static IResult GetWaiting(HttpContext http, ParkedChecks parked)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(parked);
        if (TenantParameter.Resolve(http) is not { } tenant)
        {
            return TenantParameter.Problem(http);
        }

        if (http.Request.Query["State"] is not [CheckStatus.Waiting])
        {
            return ApiAnswers.Error(http, ApiCodes.InvalidParameter, $"State must be {CheckStatus.Waiting}: only waiting checks are listed (one check: GET /v1/checks/{{checkId}}).");
        }

        return ApiAnswers.Ok(http, new WaitingChecks([.. parked.WaitingIn(tenant, MaxWaiting).Select(CheckStatus.Of)]));
    }
}
