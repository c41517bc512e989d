using Microsoft.AspNetCore.Http;

namespace HealthEvents.Http.Api;

/// <summary>
/// The customer space a read endpoint is about: <c>CustSpaceId</c> from the query, defaulting to the
/// caller's own; a tenant key naming another space, or the admin key naming none, gets a problem.
/// </summary>
public static class TenantParameter
{
    public static string? Resolve(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var caller = ApiCaller.Of(http);
        var named = http.Request.Query["CustSpaceId"] is [{ Length: > 0 } value] ? value : null;
        var tenant = named ?? caller.CustSpaceId;
        return tenant is not null && caller.MayUse(tenant) ? tenant : null;
    }

    public static IResult Problem(HttpContext http)
    {
        var caller = ApiCaller.Of(http);
        return caller.IsAdmin
            ? ApiAnswers.Error(http, ApiCodes.MissingParameter, "CustSpaceId is required with the admin key.")
            : ApiAnswers.Error(http, ApiCodes.NoPermission, "Access denied.", accessDenied: $"This API key is for customer space '{caller.CustSpaceId}' only.");
    }
}
