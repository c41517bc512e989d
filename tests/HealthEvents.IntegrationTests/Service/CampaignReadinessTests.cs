using HealthEvents.Contracts;
using HealthEvents.GraphSimulator.Scenarios;
using HealthEvents.IntegrationTests.Support;
using MassTransit;
using static HealthEvents.IntegrationTests.Support.TestScenarios;

namespace HealthEvents.IntegrationTests.Service;

/// <summary>Readiness and the campaign verdict through the service on RabbitMQ, against the simulator.</summary>
public class CampaignReadinessTests
{
    private static HealthCheckRequested Phone(int? planned = null) => new()
    {
        CustSpaceId = "alpha",
        NodeType = NodeTypes.Phone,
        WabaId = AlphaWaba,
        PhoneNumberId = AlphaPhone,
        PlannedRecipients = planned,
        RequestedAt = DateTimeOffset.UtcNow,
    };

    private static HealthCheckRequested Template() => new()
    {
        CustSpaceId = "alpha",
        NodeType = NodeTypes.Template,
        WabaId = AlphaWaba,
        TemplateId = AlphaTemplate,
        RequestedAt = DateTimeOffset.UtcNow,
    };

    private static Scenario Ready()
    {
        var scenario = TwoTenants();
        // The phone available, within TIER_2K; the template approved.
        scenario.Health[AlphaPhone] = new NodeHealth { Fields = new() { ["whatsapp_business_manager_messaging_limit"] = "TIER_2K" } };
        scenario.Health[AlphaTemplate] = new NodeHealth { Fields = new() { ["status"] = "APPROVED", ["category"] = "MARKETING" } };
        return scenario;
    }

    [Fact]
    public async Task Every_readiness_field_reaches_the_completed_check_from_one_graph_call_per_check()
    {
        await using var h = await ServiceHarness.StartAsync(Ready());

        await h.PublishAsync(Phone());
        var phone = await h.WaitForAsync<HealthCheckCompleted>(c => c.NodeType == NodeTypes.Phone);
        await h.PublishAsync(Template());
        var template = await h.WaitForAsync<HealthCheckCompleted>(c => c.NodeType == NodeTypes.Template);
        await h.PublishAsync(WabaCheck());
        var waba = await h.WaitForAsync<HealthCheckCompleted>(c => c.NodeType == NodeTypes.Waba);

        Assert.Equal(("GREEN", "TIER_2K", "STANDARD", "CONNECTED", "APPROVED", "VERIFIED"),
            (phone.Readiness!.QualityRating, phone.Readiness.MessagingLimit, phone.Readiness.ThroughputLevel, phone.Readiness.PhoneStatus, phone.Readiness.NameStatus, phone.Readiness.CodeVerificationStatus));
        Assert.Equal(("APPROVED", "GREEN", "MARKETING", "NONE"),
            (template.Readiness!.TemplateStatus, template.Readiness.TemplateQuality, template.Readiness.TemplateCategory, template.Readiness.TemplateRejectedReason));
        Assert.Equal(("APPROVED", "verified"), (waba.Readiness!.AccountReviewStatus, waba.Readiness.BusinessVerificationStatus));
        Assert.Null(waba.Readiness.QualityRating);
        Assert.All(new[] { phone, template, waba }, c => Assert.Empty(c.Readiness!.Unknown));
        Assert.Equal(CampaignVerdicts.Go, phone.Campaign!.Verdict);
        Assert.Equal(CampaignVerdicts.Go, template.Campaign!.Verdict);
        // One health_status call each (the phone's id needed no listing: it is checked against the WABA's phone_numbers edge once).
        Assert.Single(h.Simulator.State.Calls, c => c.Path.Contains($"/{AlphaPhone}?fields=health_status", StringComparison.Ordinal));
        Assert.Single(h.Simulator.State.Calls, c => c.Path.Contains($"/{AlphaTemplate}?fields=health_status", StringComparison.Ordinal));
        Assert.Single(h.Simulator.State.Calls, c => c.Path.Contains($"/{AlphaWaba}?fields=health_status,account_review_status,business_verification_status", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_quality_change_and_a_template_pause_are_each_exactly_one_change()
    {
        await using var h = await ServiceHarness.StartAsync(Ready());
        await h.PublishAsync(Phone());
        await h.PublishAsync(Template());
        await h.WaitForAsync<HealthCheckCompleted>(c => c.NodeType == NodeTypes.Phone);
        await h.WaitForAsync<HealthCheckCompleted>(c => c.NodeType == NodeTypes.Template);

        var state = h.Simulator.State;
        state.SetHealth(AlphaPhone, state.HealthOf(AlphaPhone) with { Fields = new() { ["whatsapp_business_manager_messaging_limit"] = "TIER_2K", ["quality_rating"] = "YELLOW" } });
        state.SetHealth(AlphaTemplate, state.HealthOf(AlphaTemplate) with { Fields = new() { ["status"] = "PAUSED", ["category"] = "MARKETING" } });
        // Twice: the change, then the same answer again.
        for (var round = 1; round <= 2; round++)
        {
            await h.PublishAsync(Phone());
            await h.PublishAsync(Template());
            var answers = 1 + round;
            await Eventually.ReturnsAsync(() => Task.FromResult(h.PublishedNow<HealthCheckCompleted>(c => c.NodeType == NodeTypes.Phone).Count), n => n >= answers, TimeSpan.FromSeconds(30), $"{answers} phone answers");
            await Eventually.ReturnsAsync(() => Task.FromResult(h.PublishedNow<HealthCheckCompleted>(c => c.NodeType == NodeTypes.Template).Count), n => n >= answers, TimeSpan.FromSeconds(30), $"{answers} template answers");
        }

        var quality = Assert.Single(h.PublishedNow<HealthStatusChanged>(c => c.NodeType == NodeTypes.Phone && c.Version == 2));
        Assert.Equal(("GREEN", "YELLOW"), (quality.PreviousReadiness!.QualityRating, quality.Readiness!.QualityRating));
        Assert.Equal(quality.Previous, quality.Current);
        var paused = Assert.Single(h.PublishedNow<HealthStatusChanged>(c => c.NodeType == NodeTypes.Template && c.Version == 2));
        Assert.Equal(("APPROVED", "PAUSED"), (paused.PreviousReadiness!.TemplateStatus, paused.Readiness!.TemplateStatus));
        // Asked again with nothing new: no third version of either.
        Assert.Empty(h.PublishedNow<HealthStatusChanged>(c => c.Version > 2));
        var stopped = h.PublishedNow<HealthCheckCompleted>(c => c.NodeType == NodeTypes.Template).Last();
        Assert.Equal(CampaignVerdicts.Stop, stopped.Campaign!.Verdict);
        Assert.Equal(CampaignReasons.TemplateNotApproved, stopped.Campaign.Reasons[0].Code);
    }

    [Fact]
    public async Task A_field_meta_refuses_gives_a_completed_check_with_readiness_unknown_and_one_log_line()
    {
        var scenario = Ready();
        scenario.UnknownFields = ["whatsapp_business_manager_messaging_limit"];
        await using var h = await ServiceHarness.StartAsync(scenario);

        await h.PublishAsync(Phone(planned: 100));
        var first = await h.WaitForAsync<HealthCheckCompleted>(c => c.NodeType == NodeTypes.Phone);
        await h.PublishAsync(Phone(planned: 100));
        await Eventually.ReturnsAsync(() => Task.FromResult(h.PublishedNow<HealthCheckCompleted>().Count), count => count >= 2, TimeSpan.FromSeconds(30), "the second answer");

        Assert.Null(first.Readiness!.MessagingLimit);
        Assert.Equal([nameof(Readiness.MessagingLimit)], first.Readiness.Unknown);
        Assert.Equal("GREEN", first.Readiness.QualityRating);
        Assert.Equal(CampaignVerdicts.Hold, first.Campaign!.Verdict);
        Assert.Equal(CampaignReasons.ReadinessUnknown, Assert.Single(first.Campaign.Reasons).Code);
        Assert.Empty(h.PublishedNow<HealthCheckRejected>());
        Assert.Single(h.Logs.Lines, line => line.Contains("whatsapp_business_manager_messaging_limit", StringComparison.Ordinal) && line.StartsWith("Warning", StringComparison.Ordinal));
        // The refused call, its retry without the field, and the second check's one call.
        Assert.Equal(3, h.Simulator.State.Calls.Count(c => c.Path.Contains($"/{AlphaPhone}?fields=health_status", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Planned_recipients_above_the_messaging_limit_hold_the_campaign()
    {
        await using var h = await ServiceHarness.StartAsync(Ready());
        var client = h.Bus.CreateRequestClient<HealthCheckRequested>(new Uri("queue:health-check-requested"));

        var above = await client.GetResponse<HealthCheckCompleted>(Phone(planned: 5_000), TestContext.Current.CancellationToken);
        var within = await client.GetResponse<HealthCheckCompleted>(Phone(planned: 2_000) with { MaxAge = TimeSpan.FromMinutes(5) }, TestContext.Current.CancellationToken);

        Assert.Equal(CampaignVerdicts.Hold, above.Message.Campaign!.Verdict);
        var reason = Assert.Single(above.Message.Campaign.Reasons);
        Assert.Equal(CampaignReasons.AboveMessagingLimit, reason.Code);
        Assert.Contains("2,000", reason.Text, StringComparison.Ordinal);
        Assert.Equal(5_000, above.Message.Campaign.PlannedRecipients);
        // The same node from the store, for a size it allows: the verdict is the request's, not the snapshot's.
        Assert.True(within.Message.FromCache);
        Assert.Equal(CampaignVerdicts.Go, within.Message.Campaign!.Verdict);
    }
}
