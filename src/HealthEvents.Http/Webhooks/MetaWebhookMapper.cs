using System.Globalization;
using System.Text.Json;
using HealthEvents.Contracts;
using HealthEvents.Core.HealthChecks;
using HealthEvents.Domain.Tenants;

namespace HealthEvents.Http.Webhooks;

/// <summary>One webhook change and what it leads to: a re-check, or the reason it leads to none.</summary>
public sealed record WebhookChange(string Field, string Handling, HealthCheckRequested? Recheck);

/// <summary>
/// Turns a Meta delivery (<c>object: whatsapp_business_account</c>, <c>entry[{ id: WABA, changes[{ field, value }] }]</c>)
/// into re-checks of the nodes it names, for every customer space that owns the WABA: the WABA for
/// <c>account_update</c>, <c>business_capability_update</c> and WABA alerts; the phone number
/// (by display number) for <c>phone_number_quality_update</c> and (by id) for phone alerts; the
/// template (by id) for <c>message_template_status_update</c> and <c>message_template_quality_update</c>.
/// Re-checks skip the store (<c>MaxAge</c> 0): the webhook says the stored answer is stale.
/// </summary>
public static class MetaWebhookMapper
{
    public const string Rechecked = "rechecked";
    public const string UnknownField = "unknown_field";
    public const string UnknownWaba = "unknown_waba";
    public const string UnusableValue = "unusable_value";

    /// <summary>The changes of <paramref name="root"/>; null when it is not a WhatsApp Business Account delivery.</summary>
    public static IReadOnlyList<WebhookChange>? Map(JsonElement root, ITenantRegistry tenants, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(tenants);
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("object", out var kind) || kind.ValueKind != JsonValueKind.String || kind.GetString() != "whatsapp_business_account"
            || !root.TryGetProperty("entry", out var entries) || entries.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var result = new List<WebhookChange>();
        foreach (var entry in entries.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("changes", out var changes) || changes.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            var waba = Text(entry, "id");
            var owners = waba is null ? [] : tenants.All.Where(t => t.Owns(waba)).ToList();
            foreach (var change in changes.EnumerateArray())
            {
                var field = (change.ValueKind == JsonValueKind.Object ? Text(change, "field") : null) ?? "(none)";
                var value = change.ValueKind == JsonValueKind.Object && change.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.Object ? v : default;
                if (Target(field, value) is not { } target)
                {
                    result.Add(new WebhookChange(field, UnknownField, null));
                    continue;
                }

                if (owners.Count == 0)
                {
                    result.Add(new WebhookChange(field, UnknownWaba, null));
                    continue;
                }

                foreach (var owner in owners)
                {
                    var recheck = target with { CustSpaceId = owner.CustSpaceId, WabaId = waba, MaxAge = TimeSpan.Zero, RequestedAt = now };
                    var usable = RequestValidator.TryValidate(recheck, 0, out _, out _);
                    result.Add(new WebhookChange(field, usable ? Rechecked : UnusableValue, usable ? recheck : null));
                }
            }
        }

        return result;
    }

    /// <summary>The node a change is about (tenant and WABA filled in by the caller); null for fields that say nothing about health.</summary>
    private static HealthCheckRequested? Target(string field, JsonElement value) => field switch
    {
        "account_update" or "business_capability_update" => Check(NodeTypes.Waba),
        "account_alerts" => Text(value, "entity_type") == "PHONE_NUMBER" && Text(value, "entity_id") is { } phoneId
            ? Check(NodeTypes.Phone) with { PhoneNumberId = phoneId }
            : Check(NodeTypes.Waba),
        "phone_number_quality_update" => Check(NodeTypes.Phone) with { PhoneNumber = Text(value, "display_phone_number") },
        "message_template_status_update" or "message_template_quality_update" => Check(NodeTypes.Template) with { TemplateId = Text(value, "message_template_id") },
        _ => null,
    };

    private static HealthCheckRequested Check(string nodeType) => new() { CustSpaceId = "", NodeType = nodeType };

    /// <summary>A string or number property as text (Meta sends ids as either); null when absent.</summary>
    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var property)
            ? property.ValueKind switch
            {
                JsonValueKind.String => property.GetString(),
                JsonValueKind.Number => property.TryGetInt64(out var n) ? n.ToString(CultureInfo.InvariantCulture) : property.GetRawText(),
                _ => null,
            }
            : null;
}
