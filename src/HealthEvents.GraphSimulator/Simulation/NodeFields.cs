using HealthEvents.GraphSimulator.Scenarios;

namespace HealthEvents.GraphSimulator.Simulation;

/// <summary>
/// The fields a simulated node answers beside <c>health_status</c>, as Meta's node references name
/// them, with a healthy default per kind; a node's <see cref="NodeHealth.Fields"/> override them.
/// Fields Meta sends as objects (<c>throughput</c>, <c>quality_score</c>) are written in that shape.
/// </summary>
public static class NodeFields
{
    /// <summary>The member an object-shaped field carries its value in.</summary>
    private static readonly Dictionary<string, string> ObjectFields = new(StringComparer.Ordinal)
    {
        ["throughput"] = "level",
        ["quality_score"] = "score",
    };

    /// <summary>Meta's node type name, as its errors spell it.</summary>
    public static string MetaTypeOf(GraphNodeKind kind) => kind switch
    {
        GraphNodeKind.PhoneNumber => "WhatsAppBusinessPhoneNumber",
        GraphNodeKind.MessageTemplate => "WhatsAppMessageTemplate",
        _ => "WhatsAppBusinessAccount",
    };

    /// <summary>Every field the node has (its kind's defaults, then its state's values), by Graph name.</summary>
    public static Dictionary<string, string> Of(GraphNode node, NodeHealth health)
    {
        var fields = node.Kind switch
        {
            GraphNodeKind.PhoneNumber => Phone(node),
            GraphNodeKind.MessageTemplate => Template(node),
            _ => new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["account_review_status"] = "APPROVED",
                ["business_verification_status"] = "verified",
                ["name"] = "Simulated WABA",
            },
        };
        foreach (var (name, value) in health.Fields)
        {
            fields[name] = value;
        }

        return fields;
    }

    /// <summary>A field's JSON value: its text, or Meta's object around it.</summary>
    public static object Render(string name, string value) =>
        ObjectFields.TryGetValue(name, out var member) ? new Dictionary<string, string> { [member] = value } : value;

    private static Dictionary<string, string> Phone(GraphNode node)
    {
        var phone = node.Waba.PhoneNumbers.First(p => p.Id == node.Id);
        return new(StringComparer.Ordinal)
        {
            ["display_phone_number"] = phone.DisplayPhoneNumber,
            ["verified_name"] = phone.VerifiedName ?? "Simulated Business",
            ["quality_rating"] = "GREEN",
            ["whatsapp_business_manager_messaging_limit"] = "TIER_10K",
            ["throughput"] = "STANDARD",
            ["status"] = "CONNECTED",
            ["name_status"] = "APPROVED",
            ["code_verification_status"] = "VERIFIED",
        };
    }

    private static Dictionary<string, string> Template(GraphNode node)
    {
        var template = node.Waba.Templates.First(t => t.Id == node.Id);
        return new(StringComparer.Ordinal)
        {
            ["name"] = template.Name,
            ["language"] = template.Language,
            ["status"] = template.Status,
            ["quality_score"] = "GREEN",
            ["category"] = "UTILITY",
            ["rejected_reason"] = "NONE",
        };
    }
}
