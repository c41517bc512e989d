using HealthEvents.Contracts;
using HealthEvents.IntegrationTests.Support;
using MassTransit;
using static HealthEvents.IntegrationTests.Support.TestScenarios;

namespace HealthEvents.IntegrationTests.Specs;

public class CheckLoggingTests
{
    [Fact]
    public async Task Every_line_logged_about_a_check_names_the_tenant_node_type_node_and_message()
    {
        await using var h = await ServiceHarness.StartInMemoryAsync(TwoTenants());
        var messageId = NewId.NextGuid();

        await h.Bus.Publish(new HealthCheckRequested { CustSpaceId = "alpha", NodeType = NodeTypes.Phone, WabaId = AlphaWaba, PhoneNumber = AlphaPhoneDisplay },
            c => c.MessageId = messageId, TestContext.Current.CancellationToken);
        await h.WaitForAsync<HealthCheckCompleted>(_ => true);

        var lines = h.Logs.Lines.Where(l => l.Contains($"[MessageId={messageId}]", StringComparison.Ordinal)).ToList();
        Assert.Contains(lines, l => l.Contains("Status changed", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Check completed", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("GraphApiClient", StringComparison.Ordinal)); // the HTTP calls made for the check
        Assert.All(lines, l =>
        {
            Assert.Contains("[CustSpaceId=alpha]", l, StringComparison.Ordinal);
            Assert.Contains("[NodeType=phone]", l, StringComparison.Ordinal);
            Assert.Contains($"[WabaId={AlphaWaba}]", l, StringComparison.Ordinal);
        });
        Assert.All(lines.Where(l => l.Contains("HealthCheckRequestedConsumer", StringComparison.Ordinal)),
            l => Assert.Contains($"[NodeId={AlphaPhone}]", l, StringComparison.Ordinal));
    }
}
