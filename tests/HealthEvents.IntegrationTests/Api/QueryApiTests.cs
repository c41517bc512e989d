using System.Net;
using System.Text.Json;
using HealthEvents.GraphSimulator.Scenarios;
using HealthEvents.IntegrationTests.Support;

namespace HealthEvents.IntegrationTests.Api;

/// <summary>
/// <c>GET /v1/health-status</c> against the running service on RabbitMQ: Alibaba's response shape
/// key for key against seed 000's example, cached against fresh answers, and every error code.
/// </summary>
public class QueryApiTests
{
    private static readonly TimeSpan OneHour = TimeSpan.FromHours(1);

    private static string Alibaba(string nodeType, string extra) =>
        $"/v1/health-status?Action=GetWhatsappHealthStatus&CustSpaceId=alpha&NodeType={nodeType}&WabaId={TestScenarios.AlphaWaba}{extra}";

    [Fact]
    public async Task The_Alibaba_form_answers_waba_phone_and_template_in_seed_000s_shape_key_for_key()
    {
        await using var h = await ServiceHarness.StartAsync(TestScenarios.TwoTenants(), ApiClient.Settings());
        using var api = new ApiClient(h.HttpAddress);
        var seed = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Api", "seed-000-success.json"), TestContext.Current.CancellationToken)).RootElement;

        var waba = await api.GetAsync(Alibaba("waba", ""));
        var phone = await api.GetAsync(Alibaba("phone", "&PhoneNumber=" + Uri.EscapeDataString(TestScenarios.AlphaPhoneDisplay)));
        var template = await api.GetAsync(Alibaba("template", "&TemplateCode=order_update&Language=en"));

        foreach (var reply in new[] { waba, phone, template })
        {
            Assert.Equal(HttpStatusCode.OK, reply.Status);
            SameShape(seed, reply.Json, "$");
            Assert.Equal("OK", reply.Code);
            Assert.True(reply.Json.GetProperty("Success").GetBoolean());
            Assert.Equal("None", reply.Json.GetProperty("AccessDeniedDetail").GetString());
            Assert.Equal("None", reply.Json.GetProperty("Message").GetString());
            Assert.Matches("^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$", reply.Json.GetProperty("RequestId").GetString());
            Assert.All(reply.Data.GetProperty("Entities").EnumerateArray(), e =>
            {
                Assert.Equal(TestScenarios.AlphaWaba, e.GetProperty("WabaId").GetString());
                Assert.Equal("506914307656634", e.GetProperty("BusinessId").GetString());
            });
        }

        Assert.Equal("AVAILABLE", waba.Data.GetProperty("CanSendMessage").GetString());
        Assert.Equal("LIMITED", phone.Data.GetProperty("CanSendMessage").GetString());
        var phoneEntity = Entity(phone, "PHONE_NUMBER");
        Assert.Equal(TestScenarios.AlphaPhoneDisplay, phoneEntity.GetProperty("PhoneNumber").GetString());
        Assert.Equal("LIMITED", phoneEntity.GetProperty("CanSendMessage").GetString());

        Assert.Equal("BLOCKED", template.Data.GetProperty("CanSendMessage").GetString());
        var templateEntity = Entity(template, "MESSAGE_TEMPLATE");
        Assert.Equal("order_update", templateEntity.GetProperty("TemplateCode").GetString());
        Assert.Equal("en", templateEntity.GetProperty("Language").GetString());
        var error = Assert.Single(templateEntity.GetProperty("Errors").EnumerateArray());
        Assert.Equal(JsonValueKind.String, error.GetProperty("ErrorCode").ValueKind);
        Assert.Equal("141002", error.GetProperty("ErrorCode").GetString());
        Assert.Equal("Edit or appeal the message template review decision.", error.GetProperty("PossibleSolution").GetString());
    }

    [Fact]
    public async Task A_snapshot_within_MaxAge_answers_from_the_store_and_without_it_Meta_is_asked()
    {
        await using var h = await ServiceHarness.StartAsync(TestScenarios.TwoTenants(), ApiClient.Settings());
        using var api = new ApiClient(h.HttpAddress);
        var native = $"/v1/health-status?CustSpaceId=alpha&NodeType=waba&WabaId={TestScenarios.AlphaWaba}";

        var fresh = await api.GetAsync(native);
        var callsAfterFirst = h.GraphCallsFor(TestScenarios.AlphaWaba);
        var cached = await api.GetAsync(native + "&MaxAge=" + (int)OneHour.TotalSeconds);
        var callsAfterCached = h.GraphCallsFor(TestScenarios.AlphaWaba);
        var again = await api.GetAsync(native);

        Assert.Equal(HttpStatusCode.OK, fresh.Status);
        Assert.Equal("false", fresh.Header("X-HealthEvents-From-Cache"));
        Assert.False(fresh.Data.GetProperty("FromCache").GetBoolean());
        Assert.Equal(TestScenarios.AlphaWaba, fresh.Data.GetProperty("NodeId").GetString());
        Assert.Equal(1, fresh.Data.GetProperty("Version").GetInt64());
        Assert.Equal(1, callsAfterFirst);

        Assert.Equal("true", cached.Header("X-HealthEvents-From-Cache"));
        Assert.True(cached.Data.GetProperty("FromCache").GetBoolean());
        Assert.Equal(callsAfterFirst, callsAfterCached);

        Assert.Equal("false", again.Header("X-HealthEvents-From-Cache"));
        Assert.Equal(callsAfterFirst + 1, h.GraphCallsFor(TestScenarios.AlphaWaba));
    }

    [Fact]
    public async Task Bad_parameters_and_denied_nodes_get_their_own_code_and_status_and_never_reach_Meta()
    {
        await using var h = await ServiceHarness.StartAsync(TestScenarios.TwoTenants(), ApiClient.Settings());
        using var api = new ApiClient(h.HttpAddress);
        var alpha = $"/v1/health-status?CustSpaceId=alpha&WabaId={TestScenarios.AlphaWaba}";

        var cases = new (string Path, HttpStatusCode Status, string Code)[]
        {
            ($"/v1/health-status?CustSpaceId=alpha&WabaId={TestScenarios.AlphaWaba}", HttpStatusCode.BadRequest, "MissingParameter"),
            ($"/v1/health-status?NodeType=waba&WabaId={TestScenarios.AlphaWaba}", HttpStatusCode.BadRequest, "MissingParameter"),
            (alpha + "&NodeType=fax", HttpStatusCode.BadRequest, "InvalidParameter"),
            (alpha + "&NodeType=waba&MaxAge=soon", HttpStatusCode.BadRequest, "InvalidParameter"),
            (alpha + "&NodeType=waba&Action=DeleteEverything", HttpStatusCode.BadRequest, "InvalidParameter"),
            (alpha + "&NodeType=waba&NodeType=phone", HttpStatusCode.BadRequest, "InvalidParameter"),
            ("/v1/health-status?CustSpaceId=alpha&NodeType=waba&WabaId=not-a-graph-id", HttpStatusCode.BadRequest, "InvalidParameter"),
            (alpha + "&NodeType=phone", HttpStatusCode.BadRequest, "InvalidParameter"),
            ($"/v1/health-status?CustSpaceId=alpha&NodeType=waba&WabaId={TestScenarios.BetaWaba}", HttpStatusCode.Forbidden, "Forbidden.NoPermission"),
            ($"/v1/health-status?CustSpaceId=beta&NodeType=waba&WabaId={TestScenarios.BetaWaba}", HttpStatusCode.Forbidden, "Forbidden.NoPermission"),
        };
        foreach (var (path, status, code) in cases)
        {
            var reply = await api.GetAsync(path);
            Assert.True(status == reply.Status && code == reply.Code, $"{path}: {reply.Status} {reply.Body}");
            Assert.False(reply.Json.GetProperty("Success").GetBoolean());
            Assert.Equal(JsonValueKind.Null, reply.Data.ValueKind);
            Assert.False(string.IsNullOrWhiteSpace(reply.Json.GetProperty("Message").GetString()));
            Assert.Equal(status == HttpStatusCode.Forbidden, reply.Json.GetProperty("AccessDeniedDetail").GetString() != "None");
        }

        Assert.Empty(h.Simulator.State.Calls);

        // A number the WABA does not have: the consumer's NotFound, after listing the WABA's numbers, never a health call.
        var unknownNumber = await api.GetAsync(alpha + "&NodeType=phone&PhoneNumber=" + Uri.EscapeDataString("+1 555-999-9999"));
        Assert.Equal((HttpStatusCode.NotFound, "NotFound"), (unknownNumber.Status, unknownNumber.Code));
        Assert.All(h.Simulator.State.Calls, c => Assert.Contains("/phone_numbers", c.Path, StringComparison.Ordinal));
        Assert.DoesNotContain(h.Simulator.State.Calls, c => c.Path.Contains("health_status", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Meta_refusing_throttling_failing_or_answering_late_each_have_a_code_and_a_status()
    {
        await using var h = await ServiceHarness.StartAsync(TestScenarios.TwoTenants(), new Dictionary<string, string?>(ApiClient.Settings())
        {
            ["Http:AnswerTimeout"] = "00:00:06",
            ["HealthChecks:UpstreamDeadline"] = "00:00:01",
            ["Budget:MaxParkTime"] = "00:00:05",
            ["GraphApi:AttemptTimeout"] = "00:00:08",
        });
        using var api = new ApiClient(h.HttpAddress);
        string Node(string nodeType, string extra) => $"/v1/health-status?CustSpaceId=alpha&NodeType={nodeType}&WabaId={TestScenarios.AlphaWaba}{extra}";

        h.Simulator.State.AddFault(new FaultRule { Kind = FaultKind.Permission, NodeId = TestScenarios.AlphaWaba });
        var refused = await api.GetAsync(Node("waba", ""));
        h.Simulator.State.ClearFaults();
        Assert.Equal((HttpStatusCode.BadGateway, "UpstreamRejected"), (refused.Status, refused.Code));

        // Beta's WABA: Meta's 80007 pauses the whole WABA for the hour it names, longer than Budget:MaxParkTime.
        h.Simulator.State.AddFault(new FaultRule { Kind = FaultKind.Throttle, NodeId = TestScenarios.BetaPhone, RegainAccessMinutes = 60 });
        var throttled = await api.GetAsync($"/v1/health-status?CustSpaceId=beta&NodeType=phone&WabaId={TestScenarios.BetaWaba}&PhoneNumberId={TestScenarios.BetaPhone}", ApiClient.BetaKey);
        h.Simulator.State.ClearFaults();
        Assert.Equal((HttpStatusCode.TooManyRequests, "Throttling.Upstream"), (throttled.Status, throttled.Code));
        Assert.NotNull(throttled.Header("Retry-After"));

        h.Simulator.State.AddFault(new FaultRule { Kind = FaultKind.ServerError, NodeId = TestScenarios.AlphaTemplate });
        var unavailable = await api.GetAsync(Node("template", "&TemplateId=" + TestScenarios.AlphaTemplate));
        h.Simulator.State.ClearFaults();
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "UpstreamUnavailable"), (unavailable.Status, unavailable.Code));

        h.Simulator.State.AddFault(new FaultRule { Kind = FaultKind.Timeout, NodeId = "2632273056924581", DelayMs = 7_000, Times = 1 });
        var late = await api.GetAsync(Node("template", "&TemplateId=2632273056924581"));
        Assert.Equal((HttpStatusCode.GatewayTimeout, "Timeout"), (late.Status, late.Code));
        Assert.Contains("MaxAge", late.Json.GetProperty("Message").GetString(), StringComparison.Ordinal);
    }

    private static JsonElement Entity(ApiReply reply, string type) =>
        reply.Data.GetProperty("Entities").EnumerateArray().Single(e => e.GetProperty("EntityType").GetString() == type);

    /// <summary>The same keys in the same order, and the same JSON kinds (null standing for any kind), all the way down.</summary>
    private static void SameShape(JsonElement expected, JsonElement actual, string path)
    {
        if (actual.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        Assert.True(expected.ValueKind == actual.ValueKind || (expected.ValueKind is JsonValueKind.True or JsonValueKind.False && actual.ValueKind is JsonValueKind.True or JsonValueKind.False),
            $"{path}: {actual.ValueKind} where seed 000 has {expected.ValueKind}");
        if (expected.ValueKind == JsonValueKind.Object)
        {
            Assert.Equal([.. expected.EnumerateObject().Select(p => p.Name)], [.. actual.EnumerateObject().Select(p => p.Name)]);
            foreach (var property in expected.EnumerateObject())
            {
                SameShape(property.Value, actual.GetProperty(property.Name), $"{path}.{property.Name}");
            }
        }
        else if (expected.ValueKind == JsonValueKind.Array && expected.GetArrayLength() > 0)
        {
            foreach (var item in actual.EnumerateArray())
            {
                SameShape(expected[0], item, $"{path}[]");
            }
        }
    }
}
