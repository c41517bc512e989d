using System.Globalization;
using System.Text.Json;
using HealthEvents.Contracts;
using HealthEvents.Domain.HealthChecks;
using HealthEvents.Graph.Errors;

namespace HealthEvents.Graph;

/// <summary>
/// Reads Graph JSON into contract types. Statuses and entity types are open enums: unknown values
/// are kept as sent. A body that is not the documented shape throws <see cref="JsonException"/>.
/// </summary>
internal static class GraphResponseParser
{
    public static HealthSnapshot ParseHealthStatus(string body, DateTimeOffset checkedAt, string nodeType, IReadOnlyList<ReadinessField> asked)
    {
        using var doc = JsonDocument.Parse(body);
        if (!doc.RootElement.TryGetProperty("health_status", out var health) || health.ValueKind != JsonValueKind.Object)
        {
            // Meta answers 200 without the field for nodes that do not have it (a business, an app).
            throw new GraphPermanentException("The node has no health_status field.", GraphPermanentReason.InvalidRequest, new GraphErrorDetails(200));
        }

        var reported = RequiredString(health, "can_send_message");
        var entities = health.TryGetProperty("entities", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(ParseEntity).ToList()
            : [];
        return new HealthSnapshot
        {
            ReportedCanSendMessage = reported,
            CanSendMessage = OverallStatus.Reconcile(reported, entities),
            Entities = entities,
            CheckedAt = checkedAt,
            Readiness = ReadinessFields.Read(doc.RootElement, nodeType, asked),
        };
    }

    public static Page<GraphPhoneNumber> ParsePhoneNumbers(string body) =>
        ParsePage(body, row => new GraphPhoneNumber(
            RequiredString(row, "id"),
            RequiredString(row, "display_phone_number"),
            OptionalString(row, "verified_name")));

    public static Page<GraphMessageTemplate> ParseMessageTemplates(string body) =>
        ParsePage(body, row => new GraphMessageTemplate(
            RequiredString(row, "id"),
            RequiredString(row, "name"),
            RequiredString(row, "language"),
            OptionalString(row, "status")));

    private static Page<T> ParsePage<T>(string body, Func<JsonElement, T> parseRow)
    {
        using var doc = JsonDocument.Parse(body);
        if (!doc.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("Expected a 'data' array.");
        }

        var rows = data.EnumerateArray().Select(parseRow).ToList();
        string? after = null;
        // Only a page that says there is a next one is followed; the cursor is re-sent as a query
        // value, never by following Meta's absolute 'next' URL.
        if (doc.RootElement.TryGetProperty("paging", out var paging)
            && paging.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.String
            && paging.TryGetProperty("cursors", out var cursors)
            && cursors.TryGetProperty("after", out var cursor) && cursor.ValueKind == JsonValueKind.String)
        {
            after = cursor.GetString();
        }

        return new Page<T>(rows, after);
    }

    private static HealthEntity ParseEntity(JsonElement e) => new()
    {
        EntityType = RequiredString(e, "entity_type"),
        Id = RequiredString(e, "id"),
        CanSendMessage = RequiredString(e, "can_send_message"),
        CanReceiveCallSip = OptionalString(e, "can_receive_call_sip"),
        AdditionalInfo = e.TryGetProperty("additional_info", out var info) && info.ValueKind == JsonValueKind.Array
            ? info.EnumerateArray().Select(i => i.ValueKind == JsonValueKind.String ? i.GetString()! : i.GetRawText()).ToList()
            : [],
        Errors = e.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array
            ? errors.EnumerateArray().Select(ParseError).ToList()
            : [],
    };

    private static HealthEntityError ParseError(JsonElement e) => new()
    {
        // Meta sends the code as a number; Alibaba's shape (and ours) carries it as a string.
        ErrorCode = e.TryGetProperty("error_code", out var code)
            ? code.ValueKind == JsonValueKind.Number ? code.GetRawText() : code.GetString() ?? ""
            : "",
        ErrorDescription = OptionalString(e, "error_description"),
        PossibleSolution = OptionalString(e, "possible_solution"),
    };

    private static string RequiredString(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v)
            ? v.ValueKind switch
            {
                JsonValueKind.String => v.GetString()!,
                JsonValueKind.Number => v.GetRawText(),
                _ => throw new JsonException($"'{name}' has an unexpected type."),
            }
            : throw new JsonException($"'{name}' is missing.");

    /// <summary>A string or number property as text; null when absent or of another kind.</summary>
    internal static string? OptionalString(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()
        : e.TryGetProperty(name, out var n) && n.ValueKind == JsonValueKind.Number ? n.GetRawText().ToString(CultureInfo.InvariantCulture)
        : null;
}

internal sealed record Page<T>(IReadOnlyList<T> Rows, string? After);
