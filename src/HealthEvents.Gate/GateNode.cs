using HealthEvents.Contracts;

namespace HealthEvents.Gate;

/// <summary>
/// The node a sender asks about, in its customer space: a WABA, a phone number (by Graph id or
/// display number) or a template (by Graph id, or code and language). Build one with the factory
/// methods; they are the identities <see cref="HealthStatusChanged"/> carries.
/// </summary>
public sealed record GateNode
{
    private GateNode(string custSpaceId, string nodeType, string wabaId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(custSpaceId);
        ArgumentException.ThrowIfNullOrWhiteSpace(wabaId);
        CustSpaceId = custSpaceId;
        NodeType = nodeType;
        WabaId = wabaId;
    }

    /// <summary>The customer space that owns the node.</summary>
    public string CustSpaceId { get; }

    /// <summary><see cref="NodeTypes.Waba"/>, <see cref="NodeTypes.Phone"/> or <see cref="NodeTypes.Template"/>.</summary>
    public string NodeType { get; }

    /// <summary>The WABA the node belongs to.</summary>
    public string WabaId { get; }

    /// <summary>The node's Graph id, when the sender gave it (always for a WABA).</summary>
    public string? NodeId { get; private init; }

    /// <summary>The phone's display number, when the sender gave it instead of the id.</summary>
    public string? PhoneNumber { get; private init; }

    /// <summary>The template's code, when the sender gave it (with <see cref="Language"/>) instead of the id.</summary>
    public string? TemplateCode { get; private init; }

    /// <summary>The template's language, with <see cref="TemplateCode"/>.</summary>
    public string? Language { get; private init; }

    /// <summary>A WABA.</summary>
    public static GateNode Waba(string custSpaceId, string wabaId) => new(custSpaceId, NodeTypes.Waba, wabaId) { NodeId = wabaId };

    /// <summary>A phone number by its Graph id.</summary>
    public static GateNode Phone(string custSpaceId, string wabaId, string phoneNumberId) =>
        new(custSpaceId, NodeTypes.Phone, wabaId) { NodeId = Required(phoneNumberId, nameof(phoneNumberId)) };

    /// <summary>A phone number by its display number (any format: only its digits count).</summary>
    public static GateNode PhoneByNumber(string custSpaceId, string wabaId, string displayNumber) =>
        new(custSpaceId, NodeTypes.Phone, wabaId) { PhoneNumber = Required(displayNumber, nameof(displayNumber)) };

    /// <summary>A template by its Graph id.</summary>
    public static GateNode Template(string custSpaceId, string wabaId, string templateId) =>
        new(custSpaceId, NodeTypes.Template, wabaId) { NodeId = Required(templateId, nameof(templateId)) };

    /// <summary>A template by its code and language.</summary>
    public static GateNode TemplateByCode(string custSpaceId, string wabaId, string templateCode, string language) =>
        new(custSpaceId, NodeTypes.Template, wabaId) { TemplateCode = Required(templateCode, nameof(templateCode)), Language = Required(language, nameof(language)) };

    /// <summary>The keys the view finds this node under: its id, else its number or code (digits only for numbers, as display formats vary).</summary>
    internal string Key => NodeId is { } id ? ById(CustSpaceId, NodeType, id)
        : PhoneNumber is { } number ? ByNumber(CustSpaceId, WabaId, number)
        : ByCode(CustSpaceId, WabaId, TemplateCode!, Language!);

    internal static string ById(string custSpaceId, string nodeType, string nodeId) => $"{custSpaceId}|{nodeType}|id:{nodeId}";

    internal static string ByNumber(string custSpaceId, string wabaId, string number) =>
        $"{custSpaceId}|{NodeTypes.Phone}|{wabaId}|number:{new string([.. number.Where(char.IsAsciiDigit)])}";

    internal static string ByCode(string custSpaceId, string wabaId, string code, string language) =>
        $"{custSpaceId}|{NodeTypes.Template}|{wabaId}|code:{code}|{language}";

    /// <summary>The node as a person reads it.</summary>
    public override string ToString() => $"{NodeType} {NodeId ?? PhoneNumber ?? $"{TemplateCode} ({Language})"} of {CustSpaceId}";

    private static string Required(string value, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, name);
        return value;
    }
}
