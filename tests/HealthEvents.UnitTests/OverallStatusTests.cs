using HealthEvents.Contracts;
using HealthEvents.Domain.HealthChecks;

namespace HealthEvents.UnitTests;

public class OverallStatusTests
{
    private static readonly string[] Statuses = [MessagingStatus.Available, MessagingStatus.Limited, MessagingStatus.Blocked, "RESTRICTED_NEW"];

    // Every combination of one to three entity statuses, including an unknown one.
    public static TheoryData<string[]> AllCombinations()
    {
        var data = new TheoryData<string[]>();
        foreach (var a in Statuses)
        {
            data.Add([a]);
            foreach (var b in Statuses)
            {
                data.Add([a, b]);
                foreach (var c in Statuses)
                {
                    data.Add([a, b, c]);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllCombinations))]
    public void Overall_follows_metas_rule_with_unknown_values_between_limited_and_blocked(string[] statuses)
    {
        var expected = statuses.Contains(MessagingStatus.Blocked) ? MessagingStatus.Blocked
            : statuses.Contains("RESTRICTED_NEW") ? "RESTRICTED_NEW"
            : statuses.Contains(MessagingStatus.Limited) ? MessagingStatus.Limited
            : MessagingStatus.Available;

        Assert.Equal(expected, OverallStatus.Compute(statuses));
    }

    [Fact]
    public void No_entities_is_available() => Assert.Equal(MessagingStatus.Available, OverallStatus.Compute([]));

    [Theory]
    [MemberData(nameof(AllCombinations))]
    public void Unknown_status_never_allows_sending(string[] statuses)
    {
        var overall = OverallStatus.Compute(statuses);
        Assert.Equal(!statuses.Any(s => s is MessagingStatus.Blocked or "RESTRICTED_NEW"), MessagingStatus.AllowsSending(overall));
    }

    [Theory]
    [InlineData("AVAILABLE", "AVAILABLE", "AVAILABLE")]
    [InlineData("BLOCKED", "AVAILABLE", "BLOCKED")]
    [InlineData("LIMITED", "AVAILABLE", "LIMITED")]
    [InlineData("AVAILABLE", "BLOCKED", "BLOCKED")]
    [InlineData("SOMETHING_NEW", "AVAILABLE", "SOMETHING_NEW")]
    [InlineData("LIMITED", "BLOCKED", "BLOCKED")]
    public void Reconcile_is_never_less_severe_than_meta_or_the_entities(string reported, string entityStatus, string expected)
    {
        var entities = new[] { new HealthEntity { EntityType = "WABA", Id = "1", CanSendMessage = entityStatus } };
        Assert.Equal(expected, OverallStatus.Reconcile(reported, entities));
    }
}
