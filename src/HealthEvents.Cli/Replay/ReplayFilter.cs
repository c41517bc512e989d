using System.Text.Json;

namespace HealthEvents.Cli.Replay;

/// <summary>
/// Which faulted messages a replay moves: all, or those of one tenant, one node type, whose fault
/// (exception type or message) mentions a text, or that faulted at least some time ago. Every given
/// condition must hold.
/// </summary>
public sealed record ReplayFilter(string? Tenant = null, string? NodeType = null, string? Reason = null, TimeSpan? OlderThan = null)
{
    public bool Matches(FaultedMessage message, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(message);
        return (Tenant is null || string.Equals(message.CustSpaceId, Tenant, StringComparison.Ordinal))
               && (NodeType is null || string.Equals(message.NodeType, NodeType, StringComparison.OrdinalIgnoreCase))
               && (Reason is null || Mentions(message.ExceptionType, Reason) || Mentions(message.Reason, Reason))
               && (OlderThan is not { } age || (message.FaultedAt is { } at && now - at >= age));
    }

    private static bool Mentions(string? text, string part) => text?.Contains(part, StringComparison.OrdinalIgnoreCase) == true;
}

/// <summary>What a replay knows of a message in the error queue: MassTransit's fault headers and, when the body is a check, its tenant and node type.</summary>
public sealed record FaultedMessage(string? MessageId, string? CustSpaceId, string? NodeType, string? ExceptionType, string? Reason, DateTimeOffset? FaultedAt)
{
    /// <summary>Reads the envelope's message fields without trusting them: a body that is not a check leaves them null.</summary>
    public static (string? CustSpaceId, string? NodeType) CheckFields(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var envelope = JsonDocument.Parse(body);
            if (envelope.RootElement.ValueKind == JsonValueKind.Object
                && envelope.RootElement.TryGetProperty("message", out var message)
                && message.ValueKind == JsonValueKind.Object)
            {
                return (Text(message, "custSpaceId"), Text(message, "nodeType"));
            }
        }
        catch (JsonException)
        {
            // Not JSON: no fields to filter on.
        }

        return (null, null);
    }

    private static string? Text(JsonElement message, string name) =>
        message.EnumerateObject().FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) is { Value.ValueKind: JsonValueKind.String } property
            ? property.Value.GetString()
            : null;
}
