namespace HealthEvents.Contracts;

/// <summary>The node types a health check can target (Alibaba's <c>NodeType</c>).</summary>
public static class NodeTypes
{
    /// <summary>A WhatsApp Business Account.</summary>
    public const string Waba = "waba";

    /// <summary>A business phone number, given as its display number or its Graph id.</summary>
    public const string Phone = "phone";

    /// <summary>A message template, given as code plus language or as its Graph id.</summary>
    public const string Template = "template";

    /// <summary>All node types, for validation.</summary>
    public static IReadOnlyList<string> All { get; } = [Waba, Phone, Template];
}
