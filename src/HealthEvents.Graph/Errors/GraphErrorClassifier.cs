using System.Net;
using System.Text.Json;

namespace HealthEvents.Graph.Errors;

/// <summary>Turns a failed Graph response into the typed exception the caller acts on.</summary>
internal static class GraphErrorClassifier
{
    // Graph's throttling codes: 4 app, 17 user, 32 page, 613 custom, 80007 WABA, 130429 throughput;
    // 80004/80008/80014 are sibling Business-Use-Case limits.
    private static readonly HashSet<int> ThrottlingCodes = [4, 17, 32, 613, 80004, 80007, 80008, 80014, 130429];

    // 1 "unknown error" and 2 "service temporarily unavailable" are Meta's own transient codes.
    private static readonly HashSet<int> TransientCodes = [1, 2];

    public static GraphApiException Classify(HttpStatusCode status, string body, TimeSpan? usageRetryAfter, TimeSpan defaultBackoff, Func<string, string> scrub)
    {
        var error = TryReadError(body);
        var details = new GraphErrorDetails((int)status, error?.Code, error?.Subcode, error?.Type, error?.FbTraceId);
        var metaSays = error?.Message is { Length: > 0 } m ? scrub(m) : $"HTTP {(int)status}";
        var what = $"Graph API error {error?.Code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}: {metaSays}";

        if ((error?.Code is { } code && ThrottlingCodes.Contains(code)) || status == HttpStatusCode.TooManyRequests)
        {
            return new GraphThrottledException(what, usageRetryAfter ?? defaultBackoff, details);
        }

        if (error?.IsTransient == true || (error?.Code is { } t && TransientCodes.Contains(t)) || (int)status >= 500 || error is null)
        {
            return new GraphTransientException(what, details);
        }

        var reason = error.Code switch
        {
            190 or 102 => GraphPermanentReason.InvalidToken,
            10 or (>= 200 and <= 299) => GraphPermanentReason.PermissionDenied,
            803 => GraphPermanentReason.UnknownNode,
            100 when error.Subcode == 33 => GraphPermanentReason.UnknownNode,
            _ when status == HttpStatusCode.Unauthorized => GraphPermanentReason.InvalidToken,
            _ when status == HttpStatusCode.Forbidden => GraphPermanentReason.PermissionDenied,
            _ when status == HttpStatusCode.NotFound => GraphPermanentReason.UnknownNode,
            _ => GraphPermanentReason.InvalidRequest,
        };
        return new GraphPermanentException(what, reason, details);
    }

    private static GraphError? TryReadError(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (!doc.RootElement.TryGetProperty("error", out var e) || e.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            return new GraphError(
                Str(e, "message"),
                Str(e, "type"),
                Int(e, "code"),
                Int(e, "error_subcode"),
                Str(e, "fbtrace_id"),
                e.TryGetProperty("is_transient", out var tr) && tr.ValueKind == JsonValueKind.True);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int? Int(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;

    private sealed record GraphError(string? Message, string? Type, int? Code, int? Subcode, string? FbTraceId, bool IsTransient);
}
