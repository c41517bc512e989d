using HealthEvents.Contracts;

namespace HealthEvents.UnitTests;

/// <summary>The campaign verdict, row by row of README's table, and the messaging limit values it reads.</summary>
public class CampaignRuleSpecs
{
    private static readonly HealthEntity AvailablePhone = Entity("PHONE_NUMBER", MessagingStatus.Available);

    private static readonly Readiness HealthyPhone = new()
    {
        QualityRating = "GREEN",
        MessagingLimit = "TIER_2K",
        ThroughputLevel = "STANDARD",
        PhoneStatus = "CONNECTED",
    };

    private static readonly Readiness ApprovedTemplate = new() { TemplateStatus = "APPROVED", TemplateQuality = "GREEN", TemplateCategory = "MARKETING" };

    private static HealthEntity Entity(string type, string status, string[]? info = null, HealthEntityError[]? errors = null) => new()
    {
        EntityType = type,
        Id = "106540352242922",
        CanSendMessage = status,
        AdditionalInfo = info ?? [],
        Errors = errors ?? [],
    };

    private static CampaignVerdict Phone(string status, Readiness? readiness, int? planned = null, HealthEntity? entity = null) =>
        CampaignRule.Decide(NodeTypes.Phone, status, [entity ?? Entity("PHONE_NUMBER", status)], readiness, planned);

    private static CampaignVerdict Template(Readiness? readiness, string status = MessagingStatus.Available, int? planned = null) =>
        CampaignRule.Decide(NodeTypes.Template, status, [Entity("MESSAGE_TEMPLATE", status)], readiness, planned);

    [Fact]
    public void A_healthy_phone_within_its_limit_goes_with_no_reasons()
    {
        var verdict = Phone(MessagingStatus.Available, HealthyPhone, planned: 2_000);

        Assert.Equal(CampaignVerdicts.Go, verdict.Verdict);
        Assert.Empty(verdict.Reasons);
        Assert.Equal(2_000, verdict.PlannedRecipients);
    }

    [Fact]
    public void Blocked_stops_and_says_metas_error_and_possible_solution()
    {
        var blocked = Entity("PHONE_NUMBER", MessagingStatus.Blocked, errors:
        [
            new HealthEntityError { ErrorCode = "141010", ErrorDescription = "The Business has not passed business verification.", PossibleSolution = "Verify your business." },
        ]);

        var verdict = Phone(MessagingStatus.Blocked, HealthyPhone, entity: blocked);

        Assert.Equal(CampaignVerdicts.Stop, verdict.Verdict);
        var reason = Assert.Single(verdict.Reasons);
        Assert.Equal(CampaignReasons.Blocked, reason.Code);
        Assert.Contains("has not passed business verification", reason.Text, StringComparison.Ordinal);
        Assert.Contains("Verify your business.", reason.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Limited_holds_and_names_metas_additional_info()
    {
        var limited = Entity("PHONE_NUMBER", MessagingStatus.Limited, info: ["Your display name has not been approved yet."]);

        var verdict = Phone(MessagingStatus.Limited, HealthyPhone, entity: limited);

        Assert.Equal(CampaignVerdicts.Hold, verdict.Verdict);
        Assert.Contains("display name has not been approved", Assert.Single(verdict.Reasons, r => r.Code == CampaignReasons.Limited).Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SUSPENDED")]
    [InlineData(null)]
    public void A_status_this_version_does_not_know_holds(string? status)
    {
        var verdict = CampaignRule.Decide(NodeTypes.Waba, status, [], new Readiness(), null);

        Assert.Equal(CampaignVerdicts.Hold, verdict.Verdict);
        Assert.Equal(CampaignReasons.StatusUnknown, Assert.Single(verdict.Reasons).Code);
    }

    [Theory]
    [InlineData(2_001, "TIER_2K")]
    [InlineData(251, "TIER_250")]
    [InlineData(100_001, "TIER_100K")]
    public void Planned_recipients_above_the_messaging_limit_hold(int planned, string limit)
    {
        var verdict = Phone(MessagingStatus.Available, HealthyPhone with { MessagingLimit = limit }, planned);

        Assert.Equal(CampaignVerdicts.Hold, verdict.Verdict);
        var reason = Assert.Single(verdict.Reasons);
        Assert.Equal(CampaignReasons.AboveMessagingLimit, reason.Code);
        Assert.Contains(planned.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), reason.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2_000, "TIER_2K")]
    [InlineData(1_000_000_000, "TIER_UNLIMITED")]
    [InlineData(9_999, "10000")]
    public void Planned_recipients_within_the_limit_go(int planned, string limit) =>
        Assert.Equal(CampaignVerdicts.Go, Phone(MessagingStatus.Available, HealthyPhone with { MessagingLimit = limit }, planned).Verdict);

    [Fact]
    public void Without_a_planned_size_the_limit_is_not_asked_about()
    {
        Assert.Equal(CampaignVerdicts.Go, Phone(MessagingStatus.Available, HealthyPhone with { MessagingLimit = null }).Verdict);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("TIER_SOMETHING_NEW")]
    public void A_planned_size_against_a_limit_not_known_holds_as_readiness_unknown(string? limit)
    {
        var verdict = Phone(MessagingStatus.Available, HealthyPhone with { MessagingLimit = limit }, 100);

        Assert.Equal(CampaignVerdicts.Hold, verdict.Verdict);
        Assert.Equal(CampaignReasons.ReadinessUnknown, Assert.Single(verdict.Reasons).Code);
    }

    [Fact]
    public void A_planned_size_on_a_template_or_waba_holds_it_has_no_limit_to_compare_with()
    {
        var verdict = Template(ApprovedTemplate, planned: 100);

        Assert.Equal(CampaignReasons.ReadinessUnknown, Assert.Single(verdict.Reasons).Code);
        Assert.Contains("phone number", verdict.Reasons[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_red_phone_quality_holds()
    {
        var verdict = Phone(MessagingStatus.Available, HealthyPhone with { QualityRating = "RED" });

        Assert.Equal(CampaignVerdicts.Hold, verdict.Verdict);
        Assert.Equal(CampaignReasons.QualityRed, Assert.Single(verdict.Reasons).Code);
    }

    [Theory]
    [InlineData("YELLOW")]
    [InlineData("UNKNOWN")]
    public void A_phone_quality_that_is_not_red_goes(string quality) =>
        Assert.Equal(CampaignVerdicts.Go, Phone(MessagingStatus.Available, HealthyPhone with { QualityRating = quality }).Verdict);

    [Fact]
    public void A_phone_whose_quality_meta_would_not_give_holds_as_readiness_unknown()
    {
        var verdict = Phone(MessagingStatus.Available, HealthyPhone with { QualityRating = null, Unknown = [nameof(Readiness.QualityRating)] });

        Assert.Equal(CampaignReasons.ReadinessUnknown, Assert.Single(verdict.Reasons).Code);
    }

    [Fact]
    public void A_snapshot_without_readiness_holds_as_readiness_unknown()
    {
        Assert.Equal(CampaignReasons.ReadinessUnknown, Assert.Single(Phone(MessagingStatus.Available, readiness: null).Reasons).Code);
        Assert.Contains(Template(readiness: null).Reasons, r => r.Code == CampaignReasons.ReadinessUnknown);
    }

    [Theory]
    [InlineData("PAUSED", CampaignVerdicts.Stop)]
    [InlineData("REJECTED", CampaignVerdicts.Stop)]
    [InlineData("DISABLED", CampaignVerdicts.Stop)]
    [InlineData("LIMIT_EXCEEDED", CampaignVerdicts.Stop)]
    [InlineData("PENDING", CampaignVerdicts.Hold)]
    [InlineData("IN_APPEAL", CampaignVerdicts.Hold)]
    public void A_template_that_is_not_approved_stops_or_holds_while_meta_reviews_it(string status, string expected)
    {
        var verdict = Template(ApprovedTemplate with { TemplateStatus = status, TemplateRejectedReason = "INVALID_FORMAT" });

        Assert.Equal(expected, verdict.Verdict);
        var reason = Assert.Single(verdict.Reasons);
        Assert.Equal(CampaignReasons.TemplateNotApproved, reason.Code);
        Assert.Contains(status, reason.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_red_template_quality_holds()
    {
        var verdict = Template(ApprovedTemplate with { TemplateQuality = "RED" });

        Assert.Equal(CampaignReasons.QualityRed, Assert.Single(verdict.Reasons).Code);
    }

    [Fact]
    public void An_approved_green_template_goes() => Assert.Equal(CampaignVerdicts.Go, Template(ApprovedTemplate).Verdict);

    [Fact]
    public void The_verdict_is_the_most_severe_reason_and_every_reason_is_listed_most_severe_first()
    {
        var verdict = Template(ApprovedTemplate with { TemplateStatus = "PAUSED", TemplateQuality = "RED" }, MessagingStatus.Limited);

        Assert.Equal(CampaignVerdicts.Stop, verdict.Verdict);
        Assert.Equal(CampaignReasons.TemplateNotApproved, verdict.Reasons[0].Code);
        Assert.Equal([CampaignReasons.Limited, CampaignReasons.QualityRed], verdict.Reasons.Skip(1).Select(r => r.Code).Order());
    }

    [Fact]
    public void A_waba_goes_on_its_status_alone()
    {
        Assert.Equal(CampaignVerdicts.Go, CampaignRule.Decide(NodeTypes.Waba, MessagingStatus.Available, [], new Readiness { AccountReviewStatus = "PENDING" }, null).Verdict);
    }

    [Theory]
    [InlineData("TIER_250", 250)]
    [InlineData("TIER_2K", 2_000)]
    [InlineData("TIER_1K", 1_000)]
    [InlineData("TIER_10K", 10_000)]
    [InlineData("TIER_100K", 100_000)]
    [InlineData("tier_50", 50)]
    [InlineData("10000", 10_000)]
    [InlineData("TIER_UNLIMITED", int.MaxValue)]
    [InlineData("UNLIMITED", int.MaxValue)]
    [InlineData("TIER_", null)]
    [InlineData("TIER_ABC", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    [InlineData("TIER_99999999K", null)]
    public void Messaging_limits_read_as_recipients(string? limit, int? expected) =>
        Assert.Equal(expected, MessagingLimits.RecipientsOf(limit));
}
