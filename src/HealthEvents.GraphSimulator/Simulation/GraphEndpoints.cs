using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using HealthEvents.GraphSimulator.Scenarios;

namespace HealthEvents.GraphSimulator.Simulation;

/// <summary>
/// The three Graph calls HealthEvents makes, answered in the exact shapes of Meta's documentation:
/// <c>GET /{version}/{node}?fields=health_status</c>, <c>/{waba}/phone_numbers</c> and
/// <c>/{waba}/message_templates</c> (cursor paging). Checks the bearer token, applies latency,
/// faults and rate limits, and logs every call.
/// </summary>
public static partial class GraphEndpoints
{
    private static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Meta writes "+1 555…" literally; so do we.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void MapGraphEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/{version}/{id}", (HttpContext http, string version, string id, SimulatorState state) =>
            HandleAsync(http, state, version, id, edge: null));
        app.MapGet("/{version}/{id}/{edge}", (HttpContext http, string version, string id, string edge, SimulatorState state) =>
            HandleAsync(http, state, version, id, edge));
    }

    private static async Task HandleAsync(HttpContext http, SimulatorState state, string version, string id, string? edge)
    {
        var path = http.Request.Path + http.Request.QueryString;
        var bearer = http.Request.Headers.Authorization.ToString() is { } auth && auth.StartsWith("Bearer ", StringComparison.Ordinal)
            ? auth["Bearer ".Length..]
            : null;
        var token = state.FindToken(bearer);
        var node = state.FindNode(id);
        var tokenName = token?.Name ?? SimulatorState.UnknownToken;
        using var inFlight = state.InFlight(tokenName);
        // Counted on arrival, as Meta counts, before any simulated latency.
        var (verdict, arrivedAt) = state.Admit(tokenName, node?.Waba.Id);
        var call = new CallContext(http, state, arrivedAt, tokenName, path, node?.Waba.Id);

        if (state.Scenario.Latency.Draw() is { Ticks: > 0 } latency)
        {
            await Task.Delay(latency, http.RequestAborted);
        }

        if (!VersionPattern().IsMatch(version))
        {
            await call.ErrorAsync(400, 2500, null, "OAuthException", $"Unknown path components: /{version}");
            return;
        }

        if (token is null)
        {
            await call.ErrorAsync(401, 190, null, "OAuthException", "Invalid OAuth access token - Cannot parse access token");
            return;
        }

        switch (verdict)
        {
            case RateVerdict.TokenLimited:
                http.Response.Headers["X-App-Usage"] = """{"call_count":100,"total_cputime":25,"total_time":25}""";
                await call.ErrorAsync(400, 4, null, "OAuthException", "(#4) Application request limit reached", outcome: "rate-limited:token");
                return;
            case RateVerdict.WabaLimited:
                http.Response.Headers["X-Business-Use-Case-Usage"] = BusinessUseCaseUsage(node!.Waba.BusinessId, state.Scenario.RateLimits.RegainAccessMinutes);
                await call.ErrorAsync(400, 80007, null, "OAuthException", "(#80007) Rate limit hit for WhatsApp Business Account", outcome: "rate-limited:waba");
                return;
        }

        if (state.TakeFault(id) is { } fault && await ApplyFaultAsync(call, fault, node))
        {
            return;
        }

        if (node is null)
        {
            await call.ErrorAsync(400, 100, 33, "GraphMethodException",
                $"Unsupported get request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.");
            return;
        }

        if (!token.WabaIds.Contains(node.Waba.Id))
        {
            await call.ErrorAsync(403, 200, null, "OAuthException", "(#200) Permissions error");
            return;
        }

        switch (edge)
        {
            case null when http.Request.Query["fields"].ToString().Split(',').Contains("health_status"):
                var asked = http.Request.Query["fields"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                var fields = NodeFields.Of(node, state.HealthOf(node.Id));
                if (asked.FirstOrDefault(f => f is not ("health_status" or "id") && (!fields.ContainsKey(f) || state.Scenario.UnknownFields.Contains(f))) is { } unknown)
                {
                    await call.ErrorAsync(400, 100, null, "OAuthException",
                        $"(#100) Tried accessing nonexisting field ({unknown}) on node type ({NodeFields.MetaTypeOf(node.Kind)})", outcome: "unknown-field");
                    break;
                }

                await call.OkAsync(HealthStatusBody(state, node, asked.Where(fields.ContainsKey).ToDictionary(f => f, f => NodeFields.Render(f, fields[f]))));
                break;
            case "phone_numbers" when node.Kind == GraphNodeKind.Waba:
                await call.OkAsync(PageBody(http, state, node.Waba.PhoneNumbers.Select(p => (object)new
                {
                    verified_name = p.VerifiedName ?? "Simulated Business",
                    display_phone_number = p.DisplayPhoneNumber,
                    id = p.Id,
                    quality_rating = "GREEN",
                })));
                break;
            case "message_templates" when node.Kind == GraphNodeKind.Waba:
                var name = http.Request.Query["name"].ToString();
                await call.OkAsync(PageBody(http, state, node.Waba.Templates
                    .Where(t => name.Length == 0 || t.Name == name)
                    .Select(t => (Template: t, Fields: NodeFields.Of(new GraphNode(GraphNodeKind.MessageTemplate, t.Id, node.Waba), state.HealthOf(t.Id))))
                    .Select(t => (object)new { name = t.Template.Name, language = t.Template.Language, status = t.Fields["status"], category = t.Fields["category"], id = t.Template.Id })));
                break;
            default:
                await call.ErrorAsync(400, 100, null, "OAuthException", "(#100) Tried accessing nonexisting field or edge");
                break;
        }
    }

    private static async Task<bool> ApplyFaultAsync(CallContext call, FaultRule fault, GraphNode? node)
    {
        switch (fault.Kind)
        {
            case FaultKind.ServerError:
                await call.ErrorAsync(500, fault.Code ?? 2, null, "OAuthException", "Service temporarily unavailable", outcome: "fault:server-error");
                return true;
            case FaultKind.Timeout:
                call.State.Record(call.Log(0, "fault:timeout"));
                await Task.Delay(fault.DelayMs, call.Http.RequestAborted);
                await call.ErrorAsync(504, 2, null, "OAuthException", "Timed out", outcome: "fault:timeout-ended");
                return true;
            case FaultKind.MalformedJson:
                call.State.Record(call.Log(200, "fault:malformed-json"));
                call.Http.Response.ContentType = "application/json";
                await call.Http.Response.WriteAsync("{\"health_status\": {\"can_send_message\": ", call.Http.RequestAborted);
                return true;
            case FaultKind.Throttle:
                var code = fault.Code ?? 80007;
                var minutes = fault.RegainAccessMinutes ?? call.State.Scenario.RateLimits.RegainAccessMinutes;
                call.Http.Response.Headers["X-Business-Use-Case-Usage"] = BusinessUseCaseUsage(node?.Waba.BusinessId ?? "0", minutes);
                await call.ErrorAsync(400, code, null, "OAuthException", $"(#{code}) Rate limit hit", outcome: "fault:throttle");
                return true;
            case FaultKind.Permission:
                await call.ErrorAsync(403, fault.Code ?? 200, null, "OAuthException", "(#200) Permissions error", outcome: "fault:permission");
                return true;
            default:
                return false;
        }
    }

    private static Dictionary<string, object> HealthStatusBody(SimulatorState state, GraphNode node, Dictionary<string, object> fields)
    {
        var waba = node.Waba;
        var entities = new List<(string Type, string Id)>();
        if (node.Kind == GraphNodeKind.PhoneNumber)
        {
            entities.Add(("PHONE_NUMBER", node.Id));
        }
        else if (node.Kind == GraphNodeKind.MessageTemplate)
        {
            entities.Add(("MESSAGE_TEMPLATE", node.Id));
        }

        entities.Add(("WABA", waba.Id));
        entities.Add(("BUSINESS", waba.BusinessId));
        entities.Add(("APP", waba.AppId));

        var rendered = entities.Select(e => EntityBody(e.Type, e.Id, state.HealthOf(e.Id))).ToList();
        var body = new Dictionary<string, object>(fields)
        {
            ["health_status"] = new { can_send_message = Overall(rendered.Select(e => e.can_send_message)), entities = rendered },
            ["id"] = node.Id,
        };
        return body;
    }

    private static EntityJson EntityBody(string type, string id, NodeHealth health) => new(
        type,
        id,
        health.CanSendMessage,
        health.AdditionalInfo.Count > 0 ? health.AdditionalInfo : null,
        health.Errors.Count > 0 ? health.Errors.Select(e => new ErrorJson(e.ErrorCode, e.ErrorDescription, e.PossibleSolution)).ToList() : null,
        health.CanReceiveCallSip);

    // Meta's rule, computed independently of the service's own implementation.
    private static string Overall(IEnumerable<string> statuses)
    {
        var all = statuses.ToList();
        return all.Contains("BLOCKED") ? "BLOCKED" : all.Contains("LIMITED") ? "LIMITED" : "AVAILABLE";
    }

    private static object PageBody(HttpContext http, SimulatorState state, IEnumerable<object> rows)
    {
        var all = rows.ToList();
        var limit = int.TryParse(http.Request.Query["limit"], CultureInfo.InvariantCulture, out var l) ? Math.Clamp(l, 1, state.Scenario.MaxPageSize) : state.Scenario.MaxPageSize;
        var start = DecodeCursor(http.Request.Query["after"].ToString());
        var page = all.Skip(start).Take(limit).ToList();
        var end = start + page.Count;
        var hasNext = end < all.Count;
        var request = http.Request;
        return new
        {
            data = page,
            paging = new
            {
                cursors = new { before = EncodeCursor(start), after = EncodeCursor(end) },
                next = hasNext ? $"{request.Scheme}://{request.Host}{request.Path}?limit={limit}&after={Uri.EscapeDataString(EncodeCursor(end))}" : null,
            },
        };
    }

    private static string EncodeCursor(int index) => Convert.ToBase64String(Encoding.UTF8.GetBytes("idx:" + index.ToString(CultureInfo.InvariantCulture)));

    private static int DecodeCursor(string cursor)
    {
        if (cursor.Length == 0)
        {
            return 0;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(cursor));
            return text.StartsWith("idx:", StringComparison.Ordinal) && int.TryParse(text[4..], CultureInfo.InvariantCulture, out var i) && i >= 0 ? i : 0;
        }
        catch (FormatException)
        {
            return 0;
        }
    }

    private static string BusinessUseCaseUsage(string businessId, double regainMinutes) =>
        JsonSerializer.Serialize(new Dictionary<string, object[]>
        {
            [businessId] = [new { type = "whatsapp_business_management", call_count = 100, total_cputime = 10, total_time = 10, estimated_time_to_regain_access = regainMinutes }],
        });

    [GeneratedRegex(@"^v\d+\.\d+$")]
    private static partial Regex VersionPattern();

    private sealed record EntityJson(
        [property: JsonPropertyName("entity_type")] string entity_type,
        [property: JsonPropertyName("id")] string id,
        [property: JsonPropertyName("can_send_message")] string can_send_message,
        [property: JsonPropertyName("additional_info")] List<string>? additional_info,
        [property: JsonPropertyName("errors")] List<ErrorJson>? errors,
        [property: JsonPropertyName("can_receive_call_sip")] string? can_receive_call_sip);

    private sealed record ErrorJson(
        [property: JsonPropertyName("error_code")] int error_code,
        [property: JsonPropertyName("error_description")] string error_description,
        [property: JsonPropertyName("possible_solution")] string possible_solution);

    private sealed record CallContext(HttpContext Http, SimulatorState State, DateTimeOffset ArrivedAt, string TokenName, string Path, string? WabaId)
    {
        public SimulatedCall Log(int status, string outcome) => new(ArrivedAt, TokenName, Path, WabaId, status, outcome);

        public Task OkAsync(object body)
        {
            State.Record(Log(200, "ok"));
            return Http.Response.WriteAsJsonAsync(body, Json, Http.RequestAborted);
        }

        public Task ErrorAsync(int status, int code, int? subcode, string type, string message, string? outcome = null)
        {
            State.Record(Log(status, outcome ?? $"error:{code}"));
            Http.Response.StatusCode = status;
            var trace = "Sim" + Guid.NewGuid().ToString("N")[..12];
            return Http.Response.WriteAsJsonAsync(
                new { error = new { message, type, code, error_subcode = subcode, fbtrace_id = trace } }, Json, Http.RequestAborted);
        }
    }
}
