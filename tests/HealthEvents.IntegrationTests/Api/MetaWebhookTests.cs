using System.Net;
using System.Security.Cryptography;
using System.Text;
using HealthEvents.Contracts;
using HealthEvents.GraphSimulator.Scenarios;
using HealthEvents.IntegrationTests.Support;

namespace HealthEvents.IntegrationTests.Api;

/// <summary>
/// <c>/webhooks/meta</c> on the running service: the subscription handshake, signatures, size, each
/// mapped field leading to exactly one re-check, and the simulator's own webhooks bringing a change
/// event within seconds without anyone asking.
/// </summary>
public class MetaWebhookTests
{
    private const string SecretMarker = "do-not-log-this-body-7731";

    [Fact]
    public async Task The_handshake_echoes_the_challenge_only_for_the_right_verify_token()
    {
        await using var h = await ServiceHarness.StartAsync(TestScenarios.TwoTenants(), ApiClient.Settings());
        using var api = new ApiClient(h.HttpAddress);

        var good = await api.Http.GetAsync($"/webhooks/meta?hub.mode=subscribe&hub.verify_token={ApiClient.VerifyToken}&hub.challenge=1158201444", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Equal("1158201444", await good.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.StartsWith("text/plain", good.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);

        foreach (var query in new[]
        {
            "hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1",
            $"hub.mode=unsubscribe&hub.verify_token={ApiClient.VerifyToken}&hub.challenge=1",
            $"hub.mode=subscribe&hub.challenge=1",
            $"hub.mode=subscribe&hub.verify_token={ApiClient.VerifyToken}",
        })
        {
            var refused = await api.Http.GetAsync("/webhooks/meta?" + query, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
    }

    [Fact]
    public async Task Unsigned_mis_signed_and_oversized_deliveries_are_refused_unread_and_never_logged()
    {
        await using var h = await ServiceHarness.StartAsync(TestScenarios.TwoTenants(), ApiClient.Settings());
        using var api = new ApiClient(h.HttpAddress);
        var body = Delivery(TestScenarios.AlphaWaba, "account_update", $$"""{"event":"{{SecretMarker}}"}""");

        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(api, body, signature: null));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(api, body, Sign(body, "another-app-secret")));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(api, body, Sign(body + " ", ApiClient.AppSecret)));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(api, body, "sha256=zz"));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(api, body, Sign(body, ApiClient.AppSecret).Replace("sha256=", "sha1=", StringComparison.Ordinal)));
        var huge = Delivery(TestScenarios.AlphaWaba, "account_update", $$"""{"event":"{{new string('x', 300 * 1024)}}"}""");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, await PostAsync(api, huge, Sign(huge, ApiClient.AppSecret)));
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(api, "{not json " + SecretMarker, Sign("{not json " + SecretMarker, ApiClient.AppSecret)));

        Assert.Empty(h.PublishedNow<HealthCheckCompleted>());
        Assert.Empty(h.Simulator.State.Calls);
        Assert.DoesNotContain(h.Logs.Lines, l => l.Contains(SecretMarker, StringComparison.Ordinal) || l.Contains(ApiClient.AppSecret, StringComparison.Ordinal));
        Assert.Contains(h.Logs.Lines, l => l.Contains("signature does not match", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Each_mapped_field_leads_to_one_fresh_recheck_of_its_node_and_unknown_or_repeated_deliveries_to_none()
    {
        await using var h = await ServiceHarness.StartAsync(TestScenarios.TwoTenants(), ApiClient.Settings());
        using var api = new ApiClient(h.HttpAddress);
        var fields = new (string Field, string Value, string NodeType, string NodeId)[]
        {
            ("account_update", """{"event":"DISABLED_UPDATE","ban_info":{"waba_ban_state":"SCHEDULE_FOR_DISABLE"}}""", NodeTypes.Waba, TestScenarios.AlphaWaba),
            ("account_alerts", $$$"""{"entity_type":"PHONE_NUMBER","entity_id":"{{{TestScenarios.AlphaPhone}}}","alert_info":{"alert_severity":"WARNING","alert_status":"ACTIVE","alert_type":"OBA_APPROVED","alert_description":"x"}}""", NodeTypes.Phone, TestScenarios.AlphaPhone),
            ("phone_number_quality_update", $$"""{"display_phone_number":"{{TestScenarios.AlphaPhoneDisplay}}","event":"FLAGGED","current_limit":"TIER_1K"}""", NodeTypes.Phone, TestScenarios.AlphaPhone),
            ("message_template_status_update", $$"""{"event":"APPROVED","message_template_id":{{TestScenarios.AlphaTemplate}},"message_template_name":"order_update","message_template_language":"en","reason":"NONE"}""", NodeTypes.Template, TestScenarios.AlphaTemplate),
            ("message_template_quality_update", $$"""{"previous_quality_score":"GREEN","new_quality_score":"YELLOW","message_template_id":{{TestScenarios.AlphaTemplate}},"message_template_name":"order_update","message_template_language":"en"}""", NodeTypes.Template, TestScenarios.AlphaTemplate),
            ("business_capability_update", """{"max_daily_conversation_per_phone":1000,"max_phone_numbers_per_business":2}""", NodeTypes.Waba, TestScenarios.AlphaWaba),
        };

        foreach (var (field, value, nodeType, nodeId) in fields)
        {
            var body = Delivery(TestScenarios.AlphaWaba, field, value);
            var reply = await PostForReceiptAsync(api, body);
            var recheck = Assert.Single(reply.Json.GetProperty("Rechecks").EnumerateArray()).GetGuid();
            var completed = await Eventually.ReturnsAsync(
                () => Task.FromResult(h.PublishedWithInitiator<HealthCheckCompleted>().Where(p => p.InitiatorId == recheck).Select(p => p.Message).ToList()),
                found => found.Count >= 1, TimeSpan.FromSeconds(30), $"the re-check of {field}");
            var outcome = Assert.Single(completed);
            Assert.Equal((nodeType, nodeId, "alpha", false), (outcome.NodeType, outcome.NodeId, outcome.CustSpaceId, outcome.FromCache));

            // Meta delivering the same again: acknowledged, nothing more queued.
            var again = await PostForReceiptAsync(api, body);
            Assert.True(again.Json.GetProperty("Duplicate").GetBoolean());
            Assert.Empty(again.Json.GetProperty("Rechecks").EnumerateArray());
        }

        var unknownField = await PostForReceiptAsync(api, Delivery(TestScenarios.AlphaWaba, "message_echoes", "{}"));
        Assert.Empty(unknownField.Json.GetProperty("Rechecks").EnumerateArray());
        Assert.Equal(1, unknownField.Json.GetProperty("Handled").GetProperty("unknown_field").GetInt32());
        var unknownWaba = await PostForReceiptAsync(api, Delivery("999999999999999", "account_update", "{}"));
        Assert.Equal(1, unknownWaba.Json.GetProperty("Handled").GetProperty("unknown_waba").GetInt32());
        var otherObject = await PostForReceiptAsync(api, """{"object":"page","entry":[]}""");
        Assert.Empty(otherObject.Json.GetProperty("Rechecks").EnumerateArray());

        await Eventually.TrueAsync(() => h.PublishedNow<HealthCheckCompleted>().Count == fields.Length, TimeSpan.FromSeconds(10), "exactly one outcome per mapped field");
        Assert.Equal(fields.Length, h.PublishedNow<HealthCheckCompleted>().Count);
    }

    [Fact]
    public async Task A_change_at_Meta_arrives_as_a_change_event_through_the_simulators_webhook_without_anyone_asking()
    {
        await using var h = await ServiceHarness.StartAsync(TestScenarios.TwoTenants(), ApiClient.Settings());
        using var api = new ApiClient(h.HttpAddress);
        var first = await api.GetAsync($"/v1/health-status?CustSpaceId=alpha&NodeType=template&WabaId={TestScenarios.AlphaWaba}&TemplateId={TestScenarios.AlphaTemplate}");
        Assert.Equal("BLOCKED", first.Data.GetProperty("Snapshot").GetProperty("CanSendMessage").GetString());
        h.Simulator.Webhooks.Subscribe(new WebhookSettings { Url = new Uri(h.HttpAddress, "/webhooks/meta").ToString(), AppSecret = ApiClient.AppSecret });

        h.Simulator.State.SetHealth(TestScenarios.AlphaTemplate, new NodeHealth { CanSendMessage = "AVAILABLE" });

        var changed = await h.WaitForAsync<HealthStatusChanged>(c => c.NodeId == TestScenarios.AlphaTemplate && c.Version == 2, TimeSpan.FromSeconds(15));
        Assert.Equal(("BLOCKED", "AVAILABLE"), (changed.Previous, changed.Current));
        // The simulator records a delivery when its POST returns, which can be after the change it caused is published.
        await Eventually.TrueAsync(() => h.Simulator.Webhooks.Sent.Any(s => s.Field == "message_template_status_update" && s.Status == 200), TimeSpan.FromSeconds(10), "the simulator's delivery answered 200");
    }

    [Fact]
    public async Task A_quality_drop_and_a_template_pause_at_meta_arrive_as_readiness_changes_through_the_webhooks()
    {
        await using var h = await ServiceHarness.StartAsync(TestScenarios.TwoTenants(), ApiClient.Settings());
        using var api = new ApiClient(h.HttpAddress);
        await api.GetAsync($"/v1/health-status?CustSpaceId=alpha&NodeType=template&WabaId={TestScenarios.AlphaWaba}&TemplateId={TestScenarios.AlphaTemplate}");
        await api.GetAsync($"/v1/health-status?CustSpaceId=alpha&NodeType=phone&WabaId={TestScenarios.AlphaWaba}&PhoneNumberId={TestScenarios.AlphaPhone}");
        h.Simulator.Webhooks.Subscribe(new WebhookSettings { Url = new Uri(h.HttpAddress, "/webhooks/meta").ToString(), AppSecret = ApiClient.AppSecret });

        var state = h.Simulator.State;
        state.SetHealth(TestScenarios.AlphaTemplate, state.HealthOf(TestScenarios.AlphaTemplate) with { Fields = new() { ["status"] = "PAUSED", ["quality_score"] = "RED" } });
        state.SetHealth(TestScenarios.AlphaPhone, state.HealthOf(TestScenarios.AlphaPhone) with { Fields = new() { ["quality_rating"] = "RED", ["whatsapp_business_manager_messaging_limit"] = "TIER_250" } });

        var paused = await h.WaitForAsync<HealthStatusChanged>(c => c.NodeId == TestScenarios.AlphaTemplate && c.Version == 2, TimeSpan.FromSeconds(15));
        Assert.Equal(("PENDING", "PAUSED", "RED"), (paused.PreviousReadiness!.TemplateStatus, paused.Readiness!.TemplateStatus, paused.Readiness.TemplateQuality));
        var dropped = await h.WaitForAsync<HealthStatusChanged>(c => c.NodeId == TestScenarios.AlphaPhone && c.Version == 2, TimeSpan.FromSeconds(15));
        Assert.Equal(("GREEN", "RED", "TIER_250"), (dropped.PreviousReadiness!.QualityRating, dropped.Readiness!.QualityRating, dropped.Readiness.MessagingLimit));
        await Eventually.TrueAsync(
            () => h.Simulator.Webhooks.Sent.Any(s => s.Field == "message_template_quality_update" && s.Status == 200)
                && h.Simulator.Webhooks.Sent.Any(s => s.Field == "phone_number_quality_update" && s.Status == 200),
            TimeSpan.FromSeconds(10), "the simulator's quality deliveries answered 200");
        var events = await api.GetAsync("/v1/events?CustSpaceId=alpha");
        Assert.Contains(events.Data.GetProperty("Events").EnumerateArray(),
            e => e.GetProperty("Readiness").ValueKind == System.Text.Json.JsonValueKind.Object && e.GetProperty("Readiness").GetProperty("TemplateStatus").GetString() == "PAUSED");
    }

    private static string Delivery(string waba, string field, string value) =>
        $$"""{"object":"whatsapp_business_account","entry":[{"id":"{{waba}}","time":1732430000,"changes":[{"field":"{{field}}","value":{{value}}}]}]}""";

    private static string Sign(string body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));

    private static async Task<HttpStatusCode> PostAsync(ApiClient api, string body, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/meta") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (signature is not null)
        {
            request.Headers.Add("X-Hub-Signature-256", signature);
        }

        using var response = await api.Http.SendAsync(request, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    private static async Task<ApiReply> PostForReceiptAsync(ApiClient api, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/meta") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Hub-Signature-256", Sign(body, ApiClient.AppSecret));
        using var response = await api.Http.SendAsync(request, TestContext.Current.CancellationToken);
        var reply = new ApiReply(response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        return reply;
    }
}
