using System.Text;
using HealthEvents.Cli.Replay;

namespace HealthEvents.UnitTests;

/// <summary>Which faulted messages `healthevents replay` moves.</summary>
public class ReplayFilterTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static readonly FaultedMessage StoreFault = new("m1", "cs-alpha", "phone", "HealthEvents.Storage.StoreUnavailableException",
        "The store did not answer within 15 s.", Now.AddMinutes(-30));

    [Fact]
    public void No_condition_matches_everything_including_messages_that_are_not_checks() =>
        Assert.True(new ReplayFilter().Matches(new FaultedMessage(null, null, null, null, null, null), Now));

    [Theory]
    [InlineData("cs-alpha", null, null, true)]
    [InlineData("cs-beta", null, null, false)]
    [InlineData("CS-ALPHA", null, null, false)]
    [InlineData(null, "PHONE", null, true)]
    [InlineData(null, "waba", null, false)]
    [InlineData(null, null, "storeunavailable", true)]
    [InlineData(null, null, "did not answer", true)]
    [InlineData(null, null, "GraphTransient", false)]
    [InlineData("cs-alpha", "phone", "Store", true)]
    [InlineData("cs-alpha", "waba", "Store", false)]
    public void Every_given_condition_must_hold(string? tenant, string? nodeType, string? reason, bool matches) =>
        Assert.Equal(matches, new ReplayFilter(tenant, nodeType, reason).Matches(StoreFault, Now));

    [Fact]
    public void Older_than_needs_a_fault_time_at_least_that_old()
    {
        Assert.True(new ReplayFilter(OlderThan: TimeSpan.FromMinutes(30)).Matches(StoreFault, Now));
        Assert.False(new ReplayFilter(OlderThan: TimeSpan.FromMinutes(31)).Matches(StoreFault, Now));
        Assert.False(new ReplayFilter(OlderThan: TimeSpan.Zero).Matches(StoreFault with { FaultedAt = null }, Now));
    }

    [Theory]
    [InlineData("""{"message":{"custSpaceId":"cs-alpha","nodeType":"phone"}}""", "cs-alpha", "phone")]
    [InlineData("""{"message":{"CustSpaceId":"cs-alpha","NodeType":7}}""", "cs-alpha", null)]
    [InlineData("""{"message":null}""", null, null)]
    [InlineData("not json", null, null)]
    public void A_checks_tenant_and_node_type_are_read_from_the_envelope_without_trusting_it(string body, string? tenant, string? nodeType) =>
        Assert.Equal((tenant, nodeType), FaultedMessage.CheckFields(Encoding.UTF8.GetBytes(body)));
}
