using System.Net;
using HealthEvents.Contracts;
using HealthEvents.GraphSimulator.Scenarios;
using HealthEvents.IntegrationTests.Support;

namespace HealthEvents.IntegrationTests.Api;

/// <summary>
/// For pipelines that poll: <c>POST /v1/checks</c> queues checks (all or none) whose outcomes carry
/// the returned ids, and <c>GET /v1/events</c> pages through the changes they caused.
/// </summary>
public class ChecksAndEventsTests
{
    [Fact]
    public async Task Posted_checks_are_queued_with_ids_their_outcomes_carry_and_one_bad_check_refuses_the_lot()
    {
        await using var h = await ServiceHarness.StartAsync(TestScenarios.TwoTenants(), ApiClient.Settings());
        using var api = new ApiClient(h.HttpAddress);

        var queued = await api.PostAsync("/v1/checks", $$"""
            [
              {"CustSpaceId":"alpha","NodeType":"waba","WabaId":"{{TestScenarios.AlphaWaba}}"},
              {"custSpaceId":"alpha","nodeType":"phone","wabaId":"{{TestScenarios.AlphaWaba}}","phoneNumberId":"{{TestScenarios.AlphaPhone}}"}
            ]
            """);
        Assert.Equal(HttpStatusCode.Accepted, queued.Status);
        var ids = queued.Data.GetProperty("Checks").EnumerateArray().Select(c => (Guid?)c.GetProperty("CheckId").GetGuid()).ToList();
        Assert.Equal(2, ids.Distinct().Count());
        await Eventually.TrueAsync(
            () => ids.All(id => h.PublishedWithInitiator<HealthCheckCompleted>().Any(p => p.InitiatorId == id)), TimeSpan.FromSeconds(30), "both checks completed");

        var single = await api.PostAsync("/v1/checks", $$"""{"CustSpaceId":"alpha","NodeType":"waba","WabaId":"{{TestScenarios.AlphaWaba}}"}""");
        Assert.Equal(HttpStatusCode.Accepted, single.Status);
        ids.Add(Assert.Single(single.Data.GetProperty("Checks").EnumerateArray()).GetProperty("CheckId").GetGuid());
        await Eventually.TrueAsync(() => Outcomes().Count == 3, TimeSpan.FromSeconds(30), () => $"three outcomes, saw {Outcomes().Count}");
        var refusals = new (string Body, HttpStatusCode Status, string Code)[]
        {
            ($$"""[{"CustSpaceId":"alpha","NodeType":"waba","WabaId":"{{TestScenarios.AlphaWaba}}"},{"CustSpaceId":"alpha","NodeType":"fax","WabaId":"1"}]""", HttpStatusCode.BadRequest, "InvalidParameter"),
            ("""{"CustSpaceId":"alpha","NodeType":"waba","WabaId":12345}""", HttpStatusCode.BadRequest, "InvalidParameter"),
            ("""{"NodeType":"waba"}""", HttpStatusCode.BadRequest, "InvalidParameter"),
            ("not json", HttpStatusCode.BadRequest, "InvalidParameter"),
            ("[]", HttpStatusCode.BadRequest, "InvalidParameter"),
            ("[1,2]", HttpStatusCode.BadRequest, "InvalidParameter"),
            ($$"""{"CustSpaceId":"alpha","NodeType":"waba","WabaId":"{{TestScenarios.BetaWaba}}"}""", HttpStatusCode.Forbidden, "Forbidden.NoPermission"),
            ("[" + string.Join(",", Enumerable.Repeat($$"""{"CustSpaceId":"alpha","NodeType":"waba","WabaId":"{{TestScenarios.AlphaWaba}}"}""", 101)) + "]", HttpStatusCode.BadRequest, "InvalidParameter"),
            ("\"" + new string('x', 3 * 1024 * 1024) + "\"", HttpStatusCode.RequestEntityTooLarge, "PayloadTooLarge"),
        };
        foreach (var (body, status, code) in refusals)
        {
            var reply = await api.PostAsync("/v1/checks", body);
            Assert.True(reply.Status == status && reply.Code == code, $"{body[..Math.Min(80, body.Length)]}: {reply.Status} {reply.Body[..Math.Min(300, reply.Body.Length)]}");
        }

        Assert.Contains("Check 1", (await api.PostAsync("/v1/checks", refusals[0].Body)).Json.GetProperty("Message").GetString(), StringComparison.Ordinal);
        // Nothing of a refused body was queued. A check accepted after them is answered, and by then
        // the only outcomes are those of the checks that were accepted.
        var marker = await api.PostAsync("/v1/checks", $$"""{"CustSpaceId":"alpha","NodeType":"waba","WabaId":"{{TestScenarios.AlphaWaba}}"}""");
        ids.Add(Assert.Single(marker.Data.GetProperty("Checks").EnumerateArray()).GetProperty("CheckId").GetGuid());
        await Eventually.TrueAsync(() => Outcomes().Contains(ids[^1]), TimeSpan.FromSeconds(30), "the check accepted after the refusals");
        Assert.Equal(ids.Order(), Outcomes().Order());

        List<Guid?> Outcomes() =>
            [.. h.PublishedWithInitiator<HealthCheckCompleted>().Select(p => p.InitiatorId)
                .Concat(h.PublishedWithInitiator<HealthCheckRejected>().Select(p => p.InitiatorId))];
    }

    [Fact]
    public async Task Events_page_through_a_tenants_changes_in_order_from_a_time_and_never_show_another_tenants()
    {
        await using var h = await ServiceHarness.StartAsync(TestScenarios.TwoTenants(), ApiClient.Settings());
        using var api = new ApiClient(h.HttpAddress);
        var start = DateTimeOffset.UtcNow.AddSeconds(-1);
        string Waba(string tenant, string waba) => $"/v1/health-status?CustSpaceId={tenant}&NodeType=waba&WabaId={waba}";

        // Three versions of alpha's WABA, one of its phone, one of beta's WABA.
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(Waba("alpha", TestScenarios.AlphaWaba))).Status);
        h.Simulator.State.SetHealth(TestScenarios.AlphaWaba, new NodeHealth { CanSendMessage = "BLOCKED", Errors = [new NodeHealthError(141006, "payment", "Add a payment method.")] });
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(Waba("alpha", TestScenarios.AlphaWaba))).Status);
        h.Simulator.State.SetHealth(TestScenarios.AlphaWaba, new NodeHealth { CanSendMessage = "AVAILABLE" });
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(Waba("alpha", TestScenarios.AlphaWaba))).Status);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/v1/health-status?CustSpaceId=alpha&NodeType=phone&WabaId={TestScenarios.AlphaWaba}&PhoneNumberId={TestScenarios.AlphaPhone}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(Waba("beta", TestScenarios.BetaWaba), ApiClient.BetaKey)).Status);

        var events = new List<System.Text.Json.JsonElement>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await api.GetAsync($"/v1/events?Since={Uri.EscapeDataString(start.ToString("O"))}&PageSize=2" + (token is null ? "" : "&PageToken=" + token));
            Assert.Equal(HttpStatusCode.OK, page.Status);
            events.AddRange(page.Data.GetProperty("Events").EnumerateArray());
            token = page.Data.GetProperty("NextPageToken").GetString();
            pages++;
        }
        while (token is not null && pages < 10);

        Assert.Equal(4, events.Count);
        Assert.All(events, e => Assert.Equal("alpha", e.GetProperty("CustSpaceId").GetString()));
        Assert.Equal([1L, 2L, 3L], [.. events.Where(e => e.GetProperty("NodeId").GetString() == TestScenarios.AlphaWaba).Select(e => e.GetProperty("Version").GetInt64())]);
        var checkedAt = events.Select(e => e.GetProperty("CheckedAt").GetDateTimeOffset()).ToList();
        Assert.Equal(checkedAt.Order(), checkedAt);
        var blocked = events.Single(e => e.GetProperty("Version").GetInt64() == 2 && e.GetProperty("NodeId").GetString() == TestScenarios.AlphaWaba);
        Assert.Equal(("AVAILABLE", "BLOCKED"), (blocked.GetProperty("Previous").GetString(), blocked.GetProperty("Current").GetString()));

        var later = await api.GetAsync($"/v1/events?Since={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"))}");
        Assert.Empty(later.Data.GetProperty("Events").EnumerateArray());
        Assert.Equal((HttpStatusCode.BadRequest, "InvalidParameter"), (await api.GetAsync("/v1/events?PageToken=bogus!")) is var bad ? (bad.Status, bad.Code) : default);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync("/v1/events?Since=yesterday")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync("/v1/events?PageSize=0")).Status);
        Assert.Equal((HttpStatusCode.BadRequest, "MissingParameter"), (await api.GetAsync("/v1/events", ApiClient.AdminKey)) is var admin ? (admin.Status, admin.Code) : default);
    }
}
