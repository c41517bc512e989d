using HealthEvents.Cli.Commands;
using HealthEvents.IntegrationTests.Support;
using static HealthEvents.IntegrationTests.Support.TestScenarios;

namespace HealthEvents.IntegrationTests.Cli;

/// <summary>`healthevents check` against a running service on RabbitMQ: the answer printed, and the exit code a script gates on.</summary>
public class CheckCommandTests
{
    [Fact]
    public async Task The_exit_code_says_available_blocked_or_rejected_and_the_answer_is_printed()
    {
        await using var h = await ServiceHarness.StartAsync(TwoTenants());
        var broker = h.BrokerAddress.ToString();

        var (available, json) = await CliProcess.RunAsync(["check", "--tenant", "alpha", "--node-type", "waba", "--waba-id", AlphaWaba, "--json", "--broker", broker]);
        Assert.Equal(CheckCommand.Available, available);
        Assert.Contains("\"canSendMessage\": \"AVAILABLE\"", json, StringComparison.Ordinal);

        var (blocked, table) = await CliProcess.RunAsync(["check", "--tenant", "alpha", "--node-type", "template", "--waba-id", AlphaWaba, "--template-id", AlphaTemplate, "--broker", broker]);
        Assert.Equal(CheckCommand.Blocked, blocked);
        Assert.Contains("141002", table, StringComparison.Ordinal);
        Assert.Contains("Edit or appeal", table, StringComparison.Ordinal);

        var (rejected, why) = await CliProcess.RunAsync(["check", "--tenant", "alpha", "--node-type", "waba", "--waba-id", BetaWaba, "--broker", broker]);
        Assert.Equal(CheckCommand.Rejected, rejected);
        Assert.Contains("AccessDenied", why, StringComparison.Ordinal);

        var (unreachable, _) = await CliProcess.RunAsync(["check", "--tenant", "alpha", "--node-type", "waba", "--waba-id", AlphaWaba, "--broker", "amqp://guest:guest@localhost:1/"]);
        Assert.Equal(CheckCommand.BrokerUnreachable, unreachable);
    }

    [Fact]
    public async Task With_a_planned_size_the_exit_code_is_the_campaign_verdict_and_its_reasons_are_printed()
    {
        var scenario = TwoTenants();
        scenario.Health[AlphaPhone] = new GraphSimulator.Scenarios.NodeHealth { Fields = new() { ["whatsapp_business_manager_messaging_limit"] = "TIER_250" } };
        await using var h = await ServiceHarness.StartAsync(scenario);
        string[] phone = ["check", "--tenant", "alpha", "--node-type", "phone", "--waba-id", AlphaWaba, "--phone-number-id", AlphaPhone, "--broker", h.BrokerAddress.ToString()];

        var (hold, text) = await CliProcess.RunAsync([.. phone, "--planned-recipients", "1000"]);
        var (go, _) = await CliProcess.RunAsync([.. phone, "--planned-recipients", "200", "--max-age", "00:10:00"]);
        var (stop, _) = await CliProcess.RunAsync(["check", "--tenant", "alpha", "--node-type", "template", "--waba-id", AlphaWaba, "--template-id", AlphaTemplate, "--planned-recipients", "10", "--broker", h.BrokerAddress.ToString()]);
        var (status, _) = await CliProcess.RunAsync([.. phone, "--max-age", "00:10:00"]);

        Assert.Equal(CheckCommand.CampaignHold, hold);
        Assert.Contains("AboveMessagingLimit", text, StringComparison.Ordinal);
        Assert.Contains("MessagingLimit TIER_250", text, StringComparison.Ordinal);
        Assert.Equal(CheckCommand.Available, go);
        Assert.Equal(CheckCommand.CampaignStop, stop);
        // Without a planned size the exit code is the status, as before.
        Assert.Equal(CheckCommand.Available, status);
    }
}
