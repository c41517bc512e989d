using HealthEvents.Contracts;
using HealthEvents.Domain.HealthChecks;

namespace HealthEvents.UnitTests;

public class SnapshotComparerTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    private static HealthEntity Entity(string type, string id, string status, string[]? info = null, HealthEntityError[]? errors = null) => new()
    {
        EntityType = type,
        Id = id,
        CanSendMessage = status,
        AdditionalInfo = info ?? [],
        Errors = errors ?? [],
    };

    private static HealthEntityError Error(string code, string description = "d", string solution = "s") =>
        new() { ErrorCode = code, ErrorDescription = description, PossibleSolution = solution };

    private static HealthSnapshot Snapshot(params HealthEntity[] entities) => new()
    {
        CanSendMessage = OverallStatus.Compute(entities.Select(e => e.CanSendMessage)),
        ReportedCanSendMessage = OverallStatus.Compute(entities.Select(e => e.CanSendMessage)),
        Entities = entities,
        CheckedAt = At,
    };

    private static readonly HealthEntity Waba = Entity("WABA", "102290129340398", MessagingStatus.Available);
    private static readonly HealthEntity Business = Entity("BUSINESS", "506914307656634", MessagingStatus.Available);
    private static readonly HealthEntity App = Entity("APP", "634974688087057", MessagingStatus.Available);

    [Fact]
    public void First_sight_is_a_change() => Assert.True(SnapshotComparer.IsChange(null, Snapshot(Waba)));

    [Fact]
    public void Same_snapshot_checked_later_is_not_a_change()
    {
        var before = Snapshot(Waba, Business, App);
        Assert.False(SnapshotComparer.IsChange(before, before with { CheckedAt = At.AddHours(1) }));
    }

    [Fact]
    public void Reordered_entities_are_not_a_change() =>
        Assert.False(SnapshotComparer.IsChange(Snapshot(Waba, Business, App), Snapshot(App, Waba, Business)));

    [Fact]
    public void Reordered_errors_and_additional_info_are_not_a_change()
    {
        var a = Entity("MESSAGE_TEMPLATE", "1", MessagingStatus.Blocked, ["x", "y"], [Error("141002"), Error("141006")]);
        var b = Entity("MESSAGE_TEMPLATE", "1", MessagingStatus.Blocked, ["y", "x"], [Error("141006"), Error("141002")]);
        Assert.False(SnapshotComparer.IsChange(Snapshot(a, Waba), Snapshot(Waba, b)));
    }

    [Fact]
    public void An_entity_status_change_is_a_change() =>
        Assert.True(SnapshotComparer.IsChange(Snapshot(Waba, Business), Snapshot(Waba, Business with { CanSendMessage = MessagingStatus.Limited })));

    [Fact]
    public void An_added_error_on_a_limited_entity_is_a_change_even_when_statuses_stay()
    {
        var limited = Entity("BUSINESS", "506914307656634", MessagingStatus.Limited, ["not verified"]);
        var limitedWithError = limited with { Errors = [Error("141010")] };
        Assert.True(SnapshotComparer.IsChange(Snapshot(Waba, limited), Snapshot(Waba, limitedWithError)));
    }

    [Fact]
    public void Changed_error_text_is_a_change()
    {
        var blocked = Entity("WABA", "1", MessagingStatus.Blocked, errors: [Error("141006", "payment")]);
        Assert.True(SnapshotComparer.IsChange(Snapshot(blocked), Snapshot(blocked with { Errors = [Error("141006", "payment method expired")] })));
    }

    [Fact]
    public void Changed_additional_info_is_a_change()
    {
        var limited = Entity("PHONE_NUMBER", "1", MessagingStatus.Limited, ["display name pending"]);
        Assert.True(SnapshotComparer.IsChange(Snapshot(limited), Snapshot(limited with { AdditionalInfo = ["display name rejected"] })));
    }

    [Fact]
    public void An_entity_appearing_or_disappearing_is_a_change() =>
        Assert.True(SnapshotComparer.IsChange(Snapshot(Waba, Business), Snapshot(Waba, Business, App)));

    [Fact]
    public void An_unknown_status_value_is_kept_and_compared_exactly()
    {
        var odd = Entity("FLOW", "9", "PAUSED_BY_META");
        Assert.True(SnapshotComparer.IsChange(Snapshot(odd), Snapshot(odd with { CanSendMessage = "PAUSED_BY_USER" })));
        Assert.False(SnapshotComparer.IsChange(Snapshot(odd), Snapshot(odd)));
    }

    [Fact]
    public void Values_cannot_collide_across_field_boundaries()
    {
        var a = Entity("WABA", "1", MessagingStatus.Limited, ["a;b"]);
        var b = Entity("WABA", "1", MessagingStatus.Limited, ["a", "b"]);
        Assert.True(SnapshotComparer.IsChange(Snapshot(a), Snapshot(b)));
    }

    [Fact]
    public void Sip_calling_status_counts()
    {
        var phone = Entity("PHONE_NUMBER", "1", MessagingStatus.Available) with { CanReceiveCallSip = "AVAILABLE" };
        Assert.True(SnapshotComparer.IsChange(Snapshot(phone), Snapshot(phone with { CanReceiveCallSip = "BLOCKED" })));
    }

    [Theory]
    [InlineData(nameof(Readiness.QualityRating), "YELLOW")]
    [InlineData(nameof(Readiness.MessagingLimit), "TIER_10K")]
    [InlineData(nameof(Readiness.TemplateStatus), "PAUSED")]
    [InlineData(nameof(Readiness.TemplateQuality), "RED")]
    [InlineData(nameof(Readiness.AccountReviewStatus), "REJECTED")]
    public void A_readiness_value_that_moves_is_a_change(string property, string value)
    {
        var before = Snapshot(Waba) with { Readiness = new Readiness { QualityRating = "GREEN", MessagingLimit = "TIER_2K", TemplateStatus = "APPROVED" } };
        var r = before.Readiness!;
        var after = before with
        {
            Readiness = property switch
            {
                nameof(Readiness.QualityRating) => r with { QualityRating = value },
                nameof(Readiness.MessagingLimit) => r with { MessagingLimit = value },
                nameof(Readiness.TemplateStatus) => r with { TemplateStatus = value },
                nameof(Readiness.TemplateQuality) => r with { TemplateQuality = value },
                _ => r with { AccountReviewStatus = value },
            },
        };

        Assert.True(SnapshotComparer.IsChange(before, after));
        Assert.False(SnapshotComparer.IsChange(after, after with { CheckedAt = At.AddHours(1) }));
    }

    [Fact]
    public void Readiness_seen_for_the_first_time_after_an_upgrade_is_not_a_change()
    {
        var stored = Snapshot(Waba);
        var now = stored with { Readiness = new Readiness { QualityRating = "GREEN" } };

        Assert.False(SnapshotComparer.IsChange(stored, now));
        Assert.True(SnapshotComparer.IsChange(stored, Snapshot(Entity("WABA", "102290129340398", MessagingStatus.Blocked)) with { Readiness = now.Readiness }));
    }

    [Fact]
    public void A_readiness_value_meta_would_not_give_this_time_is_not_a_change()
    {
        var before = Snapshot(Waba) with { Readiness = new Readiness { QualityRating = "GREEN", MessagingLimit = "TIER_2K" } };
        var refused = before with { Readiness = new Readiness { QualityRating = "GREEN", Unknown = [nameof(Readiness.MessagingLimit)] } };

        Assert.False(SnapshotComparer.IsChange(before, refused));
        Assert.False(SnapshotComparer.IsChange(refused, before));
        Assert.True(SnapshotComparer.IsChange(before, refused with { Readiness = refused.Readiness! with { QualityRating = "RED" } }));
    }
}
