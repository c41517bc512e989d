namespace HealthEvents.Contracts;

/// <summary>
/// Whether a campaign may start from the checked node now, for the planned size when the request
/// gave one (<see cref="CampaignRule"/> decides it). Carried by every <see cref="HealthCheckCompleted"/>.
/// </summary>
public sealed record CampaignVerdict
{
    /// <summary><see cref="CampaignVerdicts.Go"/>, <see cref="CampaignVerdicts.Hold"/> or <see cref="CampaignVerdicts.Stop"/>.</summary>
    public required string Verdict { get; init; }

    /// <summary>Every reason that is not Go, most severe first; empty when the verdict is Go.</summary>
    public required IReadOnlyList<CampaignReason> Reasons { get; init; }

    /// <summary>The campaign size the verdict was decided for; null when the request named none.</summary>
    public int? PlannedRecipients { get; init; }
}

/// <summary>One reason a campaign may not go: a machine-readable <see cref="Code"/> (<see cref="CampaignReasons"/>) and a sentence for people.</summary>
public sealed record CampaignReason
{
    /// <summary>One of <see cref="CampaignReasons"/>.</summary>
    public required string Code { get; init; }

    /// <summary>What is wrong and, where Meta says it, how to fix it.</summary>
    public required string Text { get; init; }

    /// <summary><see cref="CampaignVerdicts.Hold"/> or <see cref="CampaignVerdicts.Stop"/>: what this reason alone would make of the campaign.</summary>
    public required string Verdict { get; init; }
}

/// <summary>The three verdicts, least to most severe.</summary>
public static class CampaignVerdicts
{
    /// <summary>Nothing stands in the way.</summary>
    public const string Go = "Go";

    /// <summary>Not now: wait, re-check, or send fewer; nothing needs fixing on Meta's side first, or it may fix itself.</summary>
    public const string Hold = "Hold";

    /// <summary>Cannot be sent until something is fixed (the reasons say what).</summary>
    public const string Stop = "Stop";
}

/// <summary>The reason codes of a <see cref="CampaignVerdict"/>.</summary>
public static class CampaignReasons
{
    /// <summary>Stop: the node (or an entity it sends through) is BLOCKED.</summary>
    public const string Blocked = "Blocked";

    /// <summary>Stop for REJECTED, PAUSED, DISABLED and any other status; Hold for PENDING and IN_APPEAL.</summary>
    public const string TemplateNotApproved = "TemplateNotApproved";

    /// <summary>Hold: the planned recipients exceed the business portfolio's messaging limit.</summary>
    public const string AboveMessagingLimit = "AboveMessagingLimit";

    /// <summary>Hold: the phone number's quality rating or the template's quality score is RED.</summary>
    public const string QualityRed = "QualityRed";

    /// <summary>Hold: Meta says LIMITED; its additional info says which limits.</summary>
    public const string Limited = "Limited";

    /// <summary>Hold: Meta gave a status this version does not know, or none.</summary>
    public const string StatusUnknown = "StatusUnknown";

    /// <summary>Hold: what the decision needs (the template's status, the quality, the limit for a planned size) is not known.</summary>
    public const string ReadinessUnknown = "ReadinessUnknown";
}
