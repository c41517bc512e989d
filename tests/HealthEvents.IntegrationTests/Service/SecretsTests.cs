using System.Text.Json;
using HealthEvents.Contracts;
using HealthEvents.GraphSimulator.Scenarios;
using HealthEvents.IntegrationTests.Support;
using MassTransit;
using static HealthEvents.IntegrationTests.Support.TestScenarios;

namespace HealthEvents.IntegrationTests.Service;

/// <summary>Access tokens never appear in logs, events, stored documents, exceptions or the Graph call log.</summary>
public class SecretsTests
{
    [Fact]
    public async Task A_canary_token_appears_nowhere_whatever_the_check_runs_into()
    {
        var canary = "EAAJB-CANARY-" + Guid.NewGuid().ToString("N");
        var rejectedCanary = "EAAJB-REJECTED-CANARY-" + Guid.NewGuid().ToString("N");
        var scenario = TwoTenants();
        scenario.Tokens[0].Token = canary;
        await using var h = await ServiceHarness.StartAsync(scenario, new Dictionary<string, string?>
        {
            // A tenant whose token Meta does not accept (190).
            ["Tenants:Spaces:gamma:AccessToken"] = rejectedCanary,
            ["Tenants:Spaces:gamma:WabaIds:0"] = AlphaWaba,
            ["HealthChecks:UpstreamDeadline"] = "00:00:01",
        });
        h.Simulator.State.AddFault(new FaultRule { Kind = FaultKind.ServerError, NodeId = AlphaTemplate });

        await h.PublishAsync(new HealthCheckRequested { CustSpaceId = "alpha", NodeType = NodeTypes.Waba, WabaId = AlphaWaba });
        await h.PublishAsync(new HealthCheckRequested { CustSpaceId = "alpha", NodeType = NodeTypes.Phone, WabaId = AlphaWaba, PhoneNumber = AlphaPhoneDisplay });
        await h.PublishAsync(new HealthCheckRequested { CustSpaceId = "alpha", NodeType = NodeTypes.Template, WabaId = AlphaWaba, TemplateId = AlphaTemplate });
        await h.PublishAsync(new HealthCheckRequested { CustSpaceId = "gamma", NodeType = NodeTypes.Waba, WabaId = AlphaWaba });
        await Eventually.TrueAsync(() => h.PublishedNow<HealthCheckCompleted>().Count == 2, TimeSpan.FromSeconds(30), "two completed checks");
        var rejected = await h.WaitForAsync<HealthCheckRejected>(r => r.Request.CustSpaceId == "gamma");
        await h.WaitForAsync<HealthCheckRejected>(r => r.Reason == RejectionReasons.UpstreamUnavailable);
        Assert.Equal(190, rejected.UpstreamErrorCode);

        var published = h.PublishedNow<object>().Select(m => JsonSerializer.Serialize(m, m.GetType())).ToList();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var stored = await File.ReadAllBytesAsync(h.DatabasePath, TestContext.Current.CancellationToken);
        var everything = new List<(string Where, string Text)>();
        everything.AddRange(h.Logs.Lines.Select(l => ("log", l)));
        everything.AddRange(published.Select(p => ("published message", p)));
        everything.Add(("store file", System.Text.Encoding.UTF8.GetString(stored)));
        everything.Add(("Graph call log", JsonSerializer.Serialize(h.Simulator.State.Calls)));

        Assert.True(h.Logs.Lines.Count > 20, "the service logged too little for this test to mean anything");
        foreach (var secret in new[] { canary, rejectedCanary })
        {
            var leak = everything.FirstOrDefault(e => e.Text.Contains(secret, StringComparison.Ordinal));
            Assert.True(leak == default, $"a token leaked into the {leak.Where}");
        }
    }
}
