using HealthEvents.Contracts;
using HealthEvents.Core.HealthChecks;
using HealthEvents.Domain.Tenants;
using Microsoft.AspNetCore.Http;

namespace HealthEvents.Http.Api;

/// <summary>Why the API will not take a request: its code, a sentence, and for denials what was denied.</summary>
public sealed record ApiProblem(string Code, string Message, string? AccessDenied = null)
{
    public IResult ToResult(HttpContext http) => ApiAnswers.Error(http, Code, Message, accessDenied: AccessDenied);
}

/// <summary>
/// Whether a caller may have a check run, decided before it goes on the bus: the caller's key
/// reaches the customer space, the request is valid (<see cref="RequestValidator"/>, the consumer's
/// own rule) and the space owns the WABA (<see cref="TenantAccess"/>, the consumer's own rule too).
/// What fails here never reaches the queue or Meta.
/// </summary>
public static class CheckAccess
{
    public static ApiProblem? Problem(ApiCaller caller, HealthCheckRequested request, ITenantRegistry tenants)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(tenants);
        if (!caller.MayUse(request.CustSpaceId))
        {
            return Denied($"This API key is for customer space '{caller.CustSpaceId}', not '{request.CustSpaceId}'.");
        }

        if (!RequestValidator.TryValidate(request, 0, out var target, out var invalid))
        {
            return new ApiProblem(ApiCodes.InvalidParameter, invalid.Detail);
        }

        return TenantAccess.Allows(tenants, target, out _, out var refusal) ? null : Denied(refusal.Detail);
    }

    private static ApiProblem Denied(string detail) => new(ApiCodes.NoPermission, "Access denied.", detail);
}
