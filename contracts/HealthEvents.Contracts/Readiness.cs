namespace HealthEvents.Contracts;

/// <summary>
/// What a campaign sender needs beside <c>health_status</c>, read in the same Graph call from the
/// node's own fields. Every value is Meta's, kept as sent (open enums: a value Meta adds later
/// arrives unchanged). A property is null when the node type does not have the field, when Meta
/// left it out, or when Meta would not give it (then its name is in <see cref="Unknown"/>).
/// </summary>
public sealed record Readiness
{
    /// <summary>Phone number: <c>quality_rating</c> (<c>GREEN</c>, <c>YELLOW</c>, <c>RED</c>, <c>UNKNOWN</c>).</summary>
    public string? QualityRating { get; init; }

    /// <summary>
    /// Phone number: <c>whatsapp_business_manager_messaging_limit</c>, the unique users its business
    /// portfolio may reach in a moving 24 h (<c>TIER_250</c>, <c>TIER_2K</c>, <c>TIER_10K</c>,
    /// <c>TIER_100K</c>, <c>TIER_UNLIMITED</c>); shared by every number of the portfolio.
    /// <see cref="MessagingLimits.RecipientsOf"/> reads it as a number.
    /// </summary>
    public string? MessagingLimit { get; init; }

    /// <summary>Phone number: <c>throughput.level</c> (<c>STANDARD</c>, <c>HIGH</c>).</summary>
    public string? ThroughputLevel { get; init; }

    /// <summary>Phone number: <c>status</c> (<c>CONNECTED</c>, <c>FLAGGED</c>, <c>RESTRICTED</c>, …).</summary>
    public string? PhoneStatus { get; init; }

    /// <summary>Phone number: <c>name_status</c>, the review of its display name (<c>APPROVED</c>, …).</summary>
    public string? NameStatus { get; init; }

    /// <summary>Phone number: <c>code_verification_status</c> (<c>VERIFIED</c>, <c>NOT_VERIFIED</c>, <c>EXPIRED</c>).</summary>
    public string? CodeVerificationStatus { get; init; }

    /// <summary>Template: <c>status</c> (<c>APPROVED</c>; <c>PENDING</c>, <c>REJECTED</c>, <c>PAUSED</c>, <c>DISABLED</c>, … cannot be sent).</summary>
    public string? TemplateStatus { get; init; }

    /// <summary>Template: <c>quality_score.score</c> (<c>GREEN</c>, <c>YELLOW</c>, <c>RED</c>, <c>UNKNOWN</c>).</summary>
    public string? TemplateQuality { get; init; }

    /// <summary>Template: <c>category</c> (<c>MARKETING</c>, <c>UTILITY</c>, <c>AUTHENTICATION</c>).</summary>
    public string? TemplateCategory { get; init; }

    /// <summary>Template: <c>rejected_reason</c> (<c>NONE</c> when it was not rejected).</summary>
    public string? TemplateRejectedReason { get; init; }

    /// <summary>WABA: <c>account_review_status</c> (<c>APPROVED</c>, <c>PENDING</c>, <c>REJECTED</c>).</summary>
    public string? AccountReviewStatus { get; init; }

    /// <summary>WABA: <c>business_verification_status</c> of its business portfolio.</summary>
    public string? BusinessVerificationStatus { get; init; }

    /// <summary>The properties (by name, e.g. <c>QualityRating</c>) Meta would not give for this node type: not known, not "none".</summary>
    public IReadOnlyList<string> Unknown { get; init; } = [];

    /// <summary>Every readiness value by its property name, in declaration order (null values included).</summary>
    public IReadOnlyList<KeyValuePair<string, string?>> Values() =>
    [
        new(nameof(QualityRating), QualityRating), new(nameof(MessagingLimit), MessagingLimit), new(nameof(ThroughputLevel), ThroughputLevel),
        new(nameof(PhoneStatus), PhoneStatus), new(nameof(NameStatus), NameStatus), new(nameof(CodeVerificationStatus), CodeVerificationStatus),
        new(nameof(TemplateStatus), TemplateStatus), new(nameof(TemplateQuality), TemplateQuality), new(nameof(TemplateCategory), TemplateCategory),
        new(nameof(TemplateRejectedReason), TemplateRejectedReason), new(nameof(AccountReviewStatus), AccountReviewStatus),
        new(nameof(BusinessVerificationStatus), BusinessVerificationStatus),
    ];

    /// <summary>Whether <paramref name="property"/> (a property name of this record) is one Meta would not give.</summary>
    public bool IsUnknown(string property) => Unknown.Contains(property, StringComparer.Ordinal);
}

/// <summary>Meta's messaging limit values, read as the number of unique users they allow.</summary>
public static class MessagingLimits
{
    /// <summary>
    /// The unique users per moving 24 h a limit allows: <c>TIER_250</c> → 250, <c>TIER_2K</c> →
    /// 2,000, <c>TIER_100K</c> → 100,000, a plain number as given; <see cref="int.MaxValue"/> for
    /// <c>TIER_UNLIMITED</c> / <c>UNLIMITED</c>; null for null and for any value not of these shapes.
    /// </summary>
    public static int? RecipientsOf(string? limit)
    {
        if (string.IsNullOrWhiteSpace(limit))
        {
            return null;
        }

        var text = limit.Trim().ToUpperInvariant();
        if (text is "TIER_UNLIMITED" or "UNLIMITED")
        {
            return int.MaxValue;
        }

        if (text.StartsWith("TIER_", StringComparison.Ordinal))
        {
            text = text["TIER_".Length..];
        }

        var multiplier = 1;
        if (text.EndsWith('K'))
        {
            multiplier = 1_000;
            text = text[..^1];
        }

        return text.Length is > 0 and <= 6 && text.All(char.IsAsciiDigit)
            ? int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) * multiplier
            : null;
    }
}
