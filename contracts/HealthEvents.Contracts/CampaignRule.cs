namespace HealthEvents.Contracts;

/// <summary>
/// The one rule that turns a node's health and readiness into a <see cref="CampaignVerdict"/>:
/// used by the service for every completed check and by the sender's gate, so both always agree.
/// Pure. Each row adds a reason; the verdict is the most severe reason's (README, *Campaign verdict*):
/// <list type="table">
/// <item><description>overall BLOCKED → Stop, <see cref="CampaignReasons.Blocked"/> (Meta's errors and possible solutions)</description></item>
/// <item><description>template status PENDING / IN_APPEAL → Hold, any other but APPROVED → Stop, <see cref="CampaignReasons.TemplateNotApproved"/></description></item>
/// <item><description>overall LIMITED → Hold, <see cref="CampaignReasons.Limited"/>; another value or none → Hold, <see cref="CampaignReasons.StatusUnknown"/></description></item>
/// <item><description>quality rating or template quality RED → Hold, <see cref="CampaignReasons.QualityRed"/></description></item>
/// <item><description>planned recipients above the messaging limit → Hold, <see cref="CampaignReasons.AboveMessagingLimit"/></description></item>
/// <item><description>template status, phone quality, or (with a planned size) the limit not known → Hold, <see cref="CampaignReasons.ReadinessUnknown"/></description></item>
/// </list>
/// </summary>
public static class CampaignRule
{
    private static readonly string[] TemplateWaitingStatuses = ["PENDING", "IN_APPEAL"];

    /// <summary>The verdict for a node of <paramref name="nodeType"/> with this health and readiness, for <paramref name="plannedRecipients"/> (null: any size).</summary>
    public static CampaignVerdict Decide(string nodeType, string? canSendMessage, IReadOnlyList<HealthEntity> entities, Readiness? readiness, int? plannedRecipients)
    {
        ArgumentNullException.ThrowIfNull(entities);
        var reasons = new List<CampaignReason>();
        Status(canSendMessage, entities, reasons);
        if (nodeType == NodeTypes.Template)
        {
            Template(readiness, reasons);
        }
        else if (nodeType == NodeTypes.Phone)
        {
            Quality(readiness?.QualityRating, "The phone number's quality rating", readiness is null || readiness.IsUnknown(nameof(Readiness.QualityRating)), reasons);
        }

        Limit(nodeType, readiness, plannedRecipients, reasons);
        var ordered = reasons.OrderByDescending(r => Severity(r.Verdict)).ToList();
        return new CampaignVerdict
        {
            Verdict = ordered.Count == 0 ? CampaignVerdicts.Go : ordered[0].Verdict,
            Reasons = ordered,
            PlannedRecipients = plannedRecipients,
        };
    }

    /// <summary>The verdict for a completed check, for the planned size its request named.</summary>
    public static CampaignVerdict Decide(HealthCheckCompleted completed, int? plannedRecipients)
    {
        ArgumentNullException.ThrowIfNull(completed);
        return Decide(completed.NodeType, completed.Snapshot.CanSendMessage, completed.Snapshot.Entities, completed.Readiness, plannedRecipients);
    }

    private static void Status(string? status, IReadOnlyList<HealthEntity> entities, List<CampaignReason> reasons)
    {
        switch (status)
        {
            case MessagingStatus.Available:
                return;
            case MessagingStatus.Blocked:
                var blocked = entities.Where(e => e.CanSendMessage == MessagingStatus.Blocked).ToList();
                var why = blocked.SelectMany(e => e.Errors.Select(error => Sentence(e, error))).ToList();
                reasons.Add(Reason(CampaignReasons.Blocked, CampaignVerdicts.Stop, why.Count > 0
                    ? string.Join(" ", why)
                    : $"Meta says the node cannot send ({string.Join(", ", blocked.Select(e => $"{e.EntityType} {e.Id}"))} BLOCKED)."));
                return;
            case MessagingStatus.Limited:
                var limits = entities.Where(e => e.CanSendMessage == MessagingStatus.Limited).SelectMany(e => e.AdditionalInfo).Distinct().ToList();
                reasons.Add(Reason(CampaignReasons.Limited, CampaignVerdicts.Hold, limits.Count > 0
                    ? "Meta says the node can send with limits: " + string.Join(" ", limits)
                    : "Meta says the node can send with limits; it does not say which."));
                return;
            default:
                reasons.Add(Reason(CampaignReasons.StatusUnknown, CampaignVerdicts.Hold,
                    status is null ? "Meta gave no messaging status." : $"Meta gave the messaging status '{status}', which this version does not know."));
                return;
        }
    }

    private static void Template(Readiness? readiness, List<CampaignReason> reasons)
    {
        var status = readiness?.TemplateStatus;
        if (status is null)
        {
            reasons.Add(Reason(CampaignReasons.ReadinessUnknown, CampaignVerdicts.Hold, "The template's review status is not known."));
        }
        else if (status != "APPROVED")
        {
            var waiting = TemplateWaitingStatuses.Contains(status, StringComparer.Ordinal);
            var rejected = readiness!.TemplateRejectedReason is { Length: > 0 } why && why != "NONE" ? $" (rejected reason: {why})" : "";
            reasons.Add(Reason(CampaignReasons.TemplateNotApproved, waiting ? CampaignVerdicts.Hold : CampaignVerdicts.Stop,
                waiting
                    ? $"The template is {status}: it can be sent once Meta approves it."
                    : $"The template is {status}{rejected}: Meta does not send it until it is APPROVED again."));
        }

        Quality(readiness?.TemplateQuality, "The template's quality score", readiness is null || readiness.IsUnknown(nameof(Readiness.TemplateQuality)), reasons);
    }

    private static void Quality(string? quality, string what, bool unknown, List<CampaignReason> reasons)
    {
        if (quality == "RED")
        {
            reasons.Add(Reason(CampaignReasons.QualityRed, CampaignVerdicts.Hold,
                $"{what} is RED: recipients have been blocking or reporting these messages; a campaign now risks a lower limit or a pause."));
        }
        else if (unknown)
        {
            reasons.Add(Reason(CampaignReasons.ReadinessUnknown, CampaignVerdicts.Hold, $"{what} is not known."));
        }
    }

    private static void Limit(string nodeType, Readiness? readiness, int? plannedRecipients, List<CampaignReason> reasons)
    {
        if (plannedRecipients is not { } planned)
        {
            return;
        }

        if (nodeType != NodeTypes.Phone)
        {
            reasons.Add(Reason(CampaignReasons.ReadinessUnknown, CampaignVerdicts.Hold,
                "The messaging limit is a phone number's field: check the phone number the campaign sends from to compare it with the planned recipients."));
            return;
        }

        switch (MessagingLimits.RecipientsOf(readiness?.MessagingLimit))
        {
            case null:
                reasons.Add(Reason(CampaignReasons.ReadinessUnknown, CampaignVerdicts.Hold,
                    readiness?.MessagingLimit is { } odd
                        ? $"The messaging limit '{odd}' is not one this version can read, so {N(planned)} planned recipients cannot be compared with it."
                        : $"The messaging limit is not known, so {N(planned)} planned recipients cannot be compared with it."));
                break;
            case { } limit when planned > limit:
                reasons.Add(Reason(CampaignReasons.AboveMessagingLimit, CampaignVerdicts.Hold,
                    $"{N(planned)} planned recipients exceed the business portfolio's messaging limit of {N(limit)} unique users in a moving 24 hours ({readiness!.MessagingLimit}): send to at most {N(limit)}, or split the campaign over days."));
                break;
        }
    }

    private static string Sentence(HealthEntity entity, HealthEntityError error)
    {
        var text = $"{entity.EntityType} {entity.Id}: {error.ErrorDescription ?? "error " + error.ErrorCode}";
        return error.PossibleSolution is { Length: > 0 } fix ? $"{text.TrimEnd('.')}. {fix}" : text;
    }

    private static string N(int count) => count.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    private static CampaignReason Reason(string code, string verdict, string text) => new() { Code = code, Verdict = verdict, Text = text };

    private static int Severity(string verdict) => verdict switch
    {
        CampaignVerdicts.Stop => 2,
        CampaignVerdicts.Hold => 1,
        _ => 0,
    };
}
