using System.Net;
using System.Text.Json;
using HealthEvents.Graph.Throttling;

namespace HealthEvents.Graph.Errors;

/// <summary>Turns a failed Graph response into the typed exception the caller acts on.</summary>
internal static partial class GraphErrorClassifier
{
    // Graph's throttling codes and the scope each names: 4 the app; 80007 the WABA, with its sibling
    // Business-Use-Case limits 80004/80008/80014; 17 user, 32 page, 613 custom and 130429
    // throughput are the caller's token.
    private static readonly Dictionary<int, ThrottleScope> ThrottlingCodes = new()
    {
        [4] = ThrottleScope.App,
        [80004] = ThrottleScope.Waba,
        [80007] = ThrottleScope.Waba,
        [80008] = ThrottleScope.Waba,
        [80014] = ThrottleScope.Waba,
        [17] = ThrottleScope.Tenant,
        [32] = ThrottleScope.Tenant,
        [613] = ThrottleScope.Tenant,
        [130429] = ThrottleScope.Tenant,
    };

    // 1 "unknown error" and 2 "service temporarily unavailable" are Meta's own transient codes.
    private static readonly HashSet<int> TransientCodes = [1, 2];

    public static GraphApiException Classify(HttpStatusCode status, string body, IReadOnlyList<MetaPause> usagePauses, TimeSpan defaultBackoff, Func<string, string> scrub)
    {
        var error = TryReadError(body);
        var details = new GraphErrorDetails((int)status, error?.Code, error?.Subcode, error?.Type, error?.FbTraceId);
        var metaSays = error?.Message is { Length: > 0 } m ? scrub(m) : $"HTTP {(int)status}";
        var what = $"Graph API error {error?.Code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}: {metaSays}";

        var throttled = error?.Code is { } code && ThrottlingCodes.TryGetValue(code, out var named) ? named
            : status == HttpStatusCode.TooManyRequests ? ThrottleScope.Tenant
            : (ThrottleScope?)null;
        if (throttled is { } scope)
        {
            // How long: what the usage headers say for that scope, else the longest they say, else the default.
            var pause = usagePauses.FirstOrDefault(p => p.Scope == scope)?.For
                ?? (usagePauses.Count > 0 ? usagePauses.Max(p => p.For) : defaultBackoff);
            return new GraphThrottledException(what, scope, pause, details);
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
        // "(#100) Tried accessing nonexisting field (quality_score) on node type (…)": the field is named in the text only.
        var unknownField = error.Code == 100 && error.Message is { } text && NonexistingField().Match(text) is { Success: true } match
            ? match.Groups["field"] is { Success: true } fieldName ? fieldName.Value : GraphPermanentException.UnnamedField
            : null;
        return new GraphPermanentException(what, reason, details, unknownField);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"nonexisting field(?: \((?<field>[A-Za-z0-9_]+)\))?")]
    private static partial System.Text.RegularExpressions.Regex NonexistingField();

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
