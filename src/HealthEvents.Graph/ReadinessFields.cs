using System.Collections.Concurrent;
using System.Text.Json;
using HealthEvents.Contracts;
using Microsoft.Extensions.Logging;

namespace HealthEvents.Graph;

/// <summary>
/// The node fields a check asks for beside <c>health_status</c> (Meta counts one call whatever
/// fields it names), per node type, and where each lands in <see cref="Readiness"/>. A field Meta
/// refuses for a node type (error 100, "nonexisting field") is not asked again for that type until
/// the process restarts, is logged once, and reads as unknown (<see cref="Readiness.Unknown"/>).
/// </summary>
public sealed class ReadinessFields(ILogger<ReadinessFields> logger)
{
    private static readonly Dictionary<string, ReadinessField[]> ByNodeType = new(StringComparer.Ordinal)
    {
        [NodeTypes.Phone] =
        [
            new("quality_rating", nameof(Readiness.QualityRating)),
            new("whatsapp_business_manager_messaging_limit", nameof(Readiness.MessagingLimit)),
            new("throughput", nameof(Readiness.ThroughputLevel), Inner: "level"),
            new("status", nameof(Readiness.PhoneStatus)),
            new("name_status", nameof(Readiness.NameStatus)),
            new("code_verification_status", nameof(Readiness.CodeVerificationStatus)),
        ],
        [NodeTypes.Template] =
        [
            new("status", nameof(Readiness.TemplateStatus)),
            new("quality_score", nameof(Readiness.TemplateQuality), Inner: "score"),
            new("category", nameof(Readiness.TemplateCategory)),
            new("rejected_reason", nameof(Readiness.TemplateRejectedReason)),
        ],
        [NodeTypes.Waba] =
        [
            new("account_review_status", nameof(Readiness.AccountReviewStatus)),
            new("business_verification_status", nameof(Readiness.BusinessVerificationStatus)),
        ],
    };

    private readonly ConcurrentDictionary<(string NodeType, string Field), bool> _refused = new();

    /// <summary>The fields to ask for a node of <paramref name="nodeType"/>: all of its type's, less those Meta refused.</summary>
    public IReadOnlyList<ReadinessField> AskedFor(string nodeType) =>
        ByNodeType.TryGetValue(nodeType, out var fields) ? [.. fields.Where(f => !_refused.ContainsKey((nodeType, f.GraphName)))] : [];

    /// <summary>
    /// Meta refused <paramref name="field"/> (<see cref="Errors.GraphPermanentException.UnnamedField"/>:
    /// it named none) on a call that asked for <paramref name="asked"/>: stop asking it (unnamed:
    /// all of them). False when there is nothing to drop (no field, or one not asked here, such as
    /// <c>health_status</c>): then the error is not about readiness and belongs to the caller.
    /// </summary>
    public bool Refuse(string nodeType, string? field, IReadOnlyList<ReadinessField> asked)
    {
        ArgumentNullException.ThrowIfNull(asked);
        IReadOnlyList<ReadinessField> refused = field switch
        {
            null => [],
            Errors.GraphPermanentException.UnnamedField => asked,
            _ => [.. asked.Where(f => f.GraphName == field)],
        };
        foreach (var f in refused.Where(f => _refused.TryAdd((nodeType, f.GraphName), true)))
        {
            logger.LogWarning("Meta does not know the field {Field} on {NodeType} nodes: {Property} is unknown in every check of this node type until restart",
                f.GraphName, nodeType, f.Property);
        }

        return refused.Count > 0;
    }

    /// <summary>The readiness in a Graph answer to a call that asked for <paramref name="asked"/>.</summary>
    public static Readiness Read(JsonElement node, string nodeType, IReadOnlyList<ReadinessField> asked)
    {
        ArgumentNullException.ThrowIfNull(asked);
        var values = asked.ToDictionary(f => f.Property, f => f.ReadFrom(node), StringComparer.Ordinal);
        string? Value(string property) => values.GetValueOrDefault(property);
        return new Readiness
        {
            QualityRating = Value(nameof(Readiness.QualityRating)),
            MessagingLimit = Value(nameof(Readiness.MessagingLimit)),
            ThroughputLevel = Value(nameof(Readiness.ThroughputLevel)),
            PhoneStatus = Value(nameof(Readiness.PhoneStatus)),
            NameStatus = Value(nameof(Readiness.NameStatus)),
            CodeVerificationStatus = Value(nameof(Readiness.CodeVerificationStatus)),
            TemplateStatus = Value(nameof(Readiness.TemplateStatus)),
            TemplateQuality = Value(nameof(Readiness.TemplateQuality)),
            TemplateCategory = Value(nameof(Readiness.TemplateCategory)),
            TemplateRejectedReason = Value(nameof(Readiness.TemplateRejectedReason)),
            AccountReviewStatus = Value(nameof(Readiness.AccountReviewStatus)),
            BusinessVerificationStatus = Value(nameof(Readiness.BusinessVerificationStatus)),
            Unknown = ByNodeType.TryGetValue(nodeType, out var all) ? [.. all.Where(f => !values.ContainsKey(f.Property)).Select(f => f.Property)] : [],
        };
    }
}

/// <summary>One node field: its Graph name, the <see cref="Readiness"/> property it fills, and the member to read when Meta sends an object.</summary>
public sealed record ReadinessField(string GraphName, string Property, string? Inner = null)
{
    /// <summary>The field's value in <paramref name="node"/> as text (numbers as written); null when absent or of another shape.</summary>
    public string? ReadFrom(JsonElement node)
    {
        if (node.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (Inner is null)
        {
            return GraphResponseParser.OptionalString(node, GraphName);
        }

        return node.TryGetProperty(GraphName, out var holder) && holder.ValueKind == JsonValueKind.Object
            ? GraphResponseParser.OptionalString(holder, Inner)
            : null;
    }
}
