using System.Net;
using HealthEvents.Contracts;
using HealthEvents.IntegrationTests.Support;
using HealthEvents.Storage;

namespace HealthEvents.IntegrationTests.Api;

/// <summary><c>/v1/nodes</c> paging and filters, <c>/v1/summary</c> and <c>/v1/nodes/history</c> over a seeded store.</summary>
public class NodeListTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Phone(int i) => (800000000000000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static Task SeedAsync(IHealthStore store, int count) => StoreSeed.PhonesAsync(store, "alpha",
        Enumerable.Range(0, count).Select(i => new StoreSeed.SeededPhone(Phone(i), $"+1 555-040-{i:0000}", i % 10 == 0 ? "BLOCKED" : i % 4 == 0 ? "LIMITED" : "AVAILABLE")),
        DateTimeOffset.UtcNow.AddHours(-3));

    [Fact]
    public async Task Nodes_come_in_pages_most_severe_first_filtered_by_status_type_and_search()
    {
        await using var h = await ServiceHarness.StartInMemoryAsync(TestScenarios.TwoTenants(), ApiClient.Settings());
        await SeedAsync(h.Store, 120);
        using var api = new ApiClient(h.HttpAddress);

        var seen = new List<(string Id, string Status)>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await api.GetAsync($"/v1/nodes?CustSpaceId=alpha&PageSize=50{(token is null ? "" : "&PageToken=" + token)}");
            Assert.Equal(HttpStatusCode.OK, page.Status);
            seen.AddRange(page.Data.GetProperty("Nodes").EnumerateArray().Select(n => (n.GetProperty("NodeId").GetString()!, n.GetProperty("Snapshot").GetProperty("CanSendMessage").GetString()!)));
            token = page.Data.GetProperty("NextPageToken").GetString();
            pages++;
        }
        while (token is not null);

        Assert.Equal(3, pages);
        Assert.Equal(120, seen.Select(n => n.Id).Distinct().Count());
        Assert.Equal(Enumerable.Repeat("BLOCKED", 12).Concat(Enumerable.Repeat("LIMITED", 24)).Concat(Enumerable.Repeat("AVAILABLE", 84)), seen.Select(n => n.Status));

        var blocked = await api.GetAsync("/v1/nodes?CustSpaceId=alpha&CanSendMessage=blocked&PageSize=500");
        Assert.Equal(12, blocked.Data.GetProperty("Nodes").GetArrayLength());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, blocked.Data.GetProperty("NextPageToken").ValueKind);
        var found = await api.GetAsync("/v1/nodes?CustSpaceId=alpha&Search=" + Uri.EscapeDataString("+1 555 040 0077"));
        Assert.Equal([Phone(77)], found.Data.GetProperty("Nodes").EnumerateArray().Select(n => n.GetProperty("NodeId").GetString()));
        Assert.Equal(0, (await api.GetAsync("/v1/nodes?CustSpaceId=alpha&NodeType=template")).Data.GetProperty("Nodes").GetArrayLength());
        // Every answer carries the campaign verdict of the stored snapshot.
        Assert.Equal("Stop", blocked.Data.GetProperty("Nodes")[0].GetProperty("Campaign").GetProperty("Verdict").GetString());
    }

    [Theory]
    [InlineData("PageSize=0", "InvalidParameter")]
    [InlineData("PageSize=501", "InvalidParameter")]
    [InlineData("PageToken=not-ours", "InvalidParameter")]
    [InlineData("NodeType=flow", "InvalidParameter")]
    public async Task Bad_paging_and_filters_are_refused_with_a_clear_code(string parameter, string code)
    {
        await using var h = await ServiceHarness.StartInMemoryAsync(TestScenarios.TwoTenants(), ApiClient.Settings());
        using var api = new ApiClient(h.HttpAddress);

        var reply = await api.GetAsync("/v1/nodes?CustSpaceId=alpha&" + parameter);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal(code, reply.Code);
    }

    [Fact]
    public async Task Another_spaces_nodes_summary_and_history_are_refused()
    {
        await using var h = await ServiceHarness.StartInMemoryAsync(TestScenarios.TwoTenants(), ApiClient.Settings());
        using var api = new ApiClient(h.HttpAddress);

        foreach (var path in new[] { "/v1/nodes?CustSpaceId=beta", "/v1/summary?CustSpaceId=beta", $"/v1/nodes/history?CustSpaceId=beta&NodeType=waba&NodeId={TestScenarios.BetaWaba}", "/v1/tenants/usage?CustSpaceId=beta" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await api.GetAsync(path)).Status);
        }
    }

    [Fact]
    public async Task The_summary_counts_statuses_and_verdicts_per_space_and_in_total_and_a_nodes_history_is_its_versions()
    {
        await using var h = await ServiceHarness.StartInMemoryAsync(TestScenarios.TwoTenants(), ApiClient.Settings());
        await SeedAsync(h.Store, 40);
        await h.PublishAsync(TestScenarios.WabaCheck(tenant: "beta", waba: TestScenarios.BetaWaba));
        await h.WaitForAsync<HealthCheckCompleted>(c => c.CustSpaceId == "beta");
        using var api = new ApiClient(h.HttpAddress);

        var summary = (await api.GetAsync("/v1/summary", ApiClient.AdminKey)).Data;

        var total = summary.GetProperty("Total");
        Assert.Equal(41, total.GetProperty("Nodes").GetInt32());
        Assert.Equal(4, total.GetProperty("ByStatus").GetProperty("BLOCKED").GetInt32());
        Assert.Equal(4, total.GetProperty("ByVerdict").GetProperty("Stop").GetInt32());
        Assert.Equal(1, total.GetProperty("ChangedLastHour").GetInt32());
        var spaces = summary.GetProperty("Spaces").EnumerateArray().Select(s => s.GetProperty("CustSpaceId").GetString()).ToList();
        Assert.Equal(["alpha", "beta"], spaces);

        var history = await api.GetAsync($"/v1/nodes/history?CustSpaceId=alpha&NodeType=phone&NodeId={Phone(3)}");
        Assert.Equal([1], history.Data.GetProperty("Changes").EnumerateArray().Select(c => c.GetProperty("Version").GetInt32()));
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync("/v1/nodes/history?CustSpaceId=alpha&NodeType=phone&NodeId=abc")).Status);
    }
}
