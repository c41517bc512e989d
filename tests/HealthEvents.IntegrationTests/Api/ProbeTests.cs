using System.Net;
using System.Text.Json;
using HealthEvents.IntegrationTests.Support;
using Microsoft.Data.Sqlite;

namespace HealthEvents.IntegrationTests.Api;

/// <summary>
/// <c>/healthz/live</c> and <c>/healthz/ready</c> on the running service: ready while the bus and the
/// store work, unready while either is down, and ready again when it is back; live throughout.
/// Also the OpenAPI document the app serves.
/// </summary>
public class ProbeTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Readiness_follows_the_broker_going_away_and_coming_back_while_liveness_stays_up()
    {
        await using var h = await ServiceHarness.StartAsync(TestScenarios.TwoTenants(), new Dictionary<string, string?>(ApiClient.Settings()) { ["Http:AnswerTimeout"] = "00:00:03" });
        using var api = new ApiClient(h.HttpAddress);
        var ready = await Eventually.ReturnsAsync(() => ProbeAsync(api, "/healthz/ready"), p => p.Status == HttpStatusCode.OK, Deadline, "ready at start");
        Assert.Contains("store", ready.Checks);
        Assert.Contains(ready.Checks, c => c.Contains("masstransit", StringComparison.OrdinalIgnoreCase) || c.Contains("bus", StringComparison.OrdinalIgnoreCase));

        var vhost = h.BrokerAddress.AbsolutePath.Trim('/');
        Assert.True(await RabbitBroker.RabbitMqCtlAsync("delete_vhost", vhost));
        try
        {
            await Eventually.ReturnsAsync(() => ProbeAsync(api, "/healthz/ready"), p => p.Status == HttpStatusCode.ServiceUnavailable, Deadline, "unready without the broker");
            Assert.Equal(HttpStatusCode.OK, (await ProbeAsync(api, "/healthz/live")).Status);

            // Callers get an answer in the envelope, not a hang or a bare 500.
            var query = await api.GetAsync($"/v1/health-status?CustSpaceId=alpha&NodeType=waba&WabaId={TestScenarios.AlphaWaba}");
            var post = await api.PostAsync("/v1/checks", $$"""{"CustSpaceId":"alpha","NodeType":"waba","WabaId":"{{TestScenarios.AlphaWaba}}"}""");
            foreach (var reply in new[] { query, post })
            {
                Assert.True(reply.Status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout, $"{reply.Status} {reply.Body}");
                Assert.True(reply.Code is "ServiceUnavailable" or "Timeout", reply.Body);
            }

            // Meta is told to deliver again later.
            var delivery = $$$"""{"object":"whatsapp_business_account","entry":[{"id":"{{{TestScenarios.AlphaWaba}}}","changes":[{"field":"account_update","value":{}}]}]}""";
            using var webhook = new HttpRequestMessage(HttpMethod.Post, "/webhooks/meta") { Content = new StringContent(delivery) };
            webhook.Headers.Add("X-Hub-Signature-256", HealthEvents.Http.Webhooks.WebhookSignature.Sign(System.Text.Encoding.UTF8.GetBytes(delivery), System.Text.Encoding.UTF8.GetBytes(ApiClient.AppSecret)));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await api.Http.SendAsync(webhook, TestContext.Current.CancellationToken)).StatusCode);
        }
        finally
        {
            Assert.True(await RabbitBroker.RabbitMqCtlAsync("add_vhost", vhost));
            Assert.True(await RabbitBroker.RabbitMqCtlAsync("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"));
        }

        await Eventually.ReturnsAsync(() => ProbeAsync(api, "/healthz/ready"), p => p.Status == HttpStatusCode.OK, Deadline, "ready again once the broker is back");
    }

    [Fact]
    public async Task Readiness_says_which_dependency_is_down_when_another_process_holds_the_stores_write_lock()
    {
        await using var h = await ServiceHarness.StartAsync(TestScenarios.TwoTenants(), ApiClient.Settings());
        using var api = new ApiClient(h.HttpAddress);
        await Eventually.ReturnsAsync(() => ProbeAsync(api, "/healthz/ready"), p => p.Status == HttpStatusCode.OK, Deadline, "ready at start");

        await using (var locker = new SqliteConnection($"Data Source={h.DatabasePath};Pooling=False"))
        {
            await locker.OpenAsync(TestContext.Current.CancellationToken);
            await using var exclusive = locker.CreateCommand();
            exclusive.CommandText = "BEGIN EXCLUSIVE;";
            await exclusive.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);

            var down = await Eventually.ReturnsAsync(() => ProbeAsync(api, "/healthz/ready"), p => p.Status == HttpStatusCode.ServiceUnavailable, Deadline, "unready while the store is locked");
            Assert.Equal("Unhealthy", down.Json.GetProperty("checks").GetProperty("store").GetProperty("status").GetString());
            Assert.Equal(HttpStatusCode.OK, (await ProbeAsync(api, "/healthz/live")).Status);

            await using var release = locker.CreateCommand();
            release.CommandText = "ROLLBACK;";
            await release.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        await Eventually.ReturnsAsync(() => ProbeAsync(api, "/healthz/ready"), p => p.Status == HttpStatusCode.OK, Deadline, "ready once the lock is gone");
    }

    [Fact]
    public async Task The_app_serves_an_OpenAPI_document_naming_every_v1_endpoint()
    {
        await using var h = await ServiceHarness.StartInMemoryAsync(TestScenarios.TwoTenants(), ApiClient.Settings());
        using var api = new ApiClient(h.HttpAddress);
        using var response = await api.Http.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("paths");
        foreach (var path in new[] { "/v1/health-status", "/v1/checks", "/v1/events", "/v1/tenants", "/v1/nodes", "/v1/nodes/history", "/v1/summary", "/v1/tenants/usage" })
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} is in the OpenAPI document");
            var responses = item.EnumerateObject().First().Value.GetProperty("responses");
            foreach (var status in new[] { "401", "403", "429", "503" })
            {
                Assert.True(responses.TryGetProperty(status, out _), $"{path} documents {status}");
            }
        }

        // The node list's paging and filters are parameters of the document.
        var nodeParameters = paths.GetProperty("/v1/nodes").GetProperty("get").GetProperty("parameters").EnumerateArray()
            .Select(p => (Name: p.GetProperty("name").GetString(), In: p.GetProperty("in").GetString())).ToList();
        foreach (var name in new[] { "CustSpaceId", "NodeType", "CanSendMessage", "Search", "PageSize", "PageToken" })
        {
            Assert.Contains((name, "query"), nodeParameters);
        }

        Assert.Contains("NextPageToken", JsonDocument.Parse(await (await api.Http.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken))
            .RootElement.GetProperty("components").GetProperty("schemas").ToString(), StringComparison.Ordinal);

        var query = paths.GetProperty("/v1/health-status").GetProperty("get").GetProperty("responses");
        Assert.True(query.TryGetProperty("504", out _), "the query documents its Timeout");
        Assert.Contains("ApiEnvelope", query.GetProperty("200").GetProperty("content").GetProperty("application/json").ToString(), StringComparison.Ordinal);
    }

    private sealed record Probe(HttpStatusCode Status, JsonElement Json)
    {
        public IReadOnlyList<string> Checks => [.. Json.GetProperty("checks").EnumerateObject().Select(c => c.Name)];
    }

    private static async Task<Probe> ProbeAsync(ApiClient api, string path)
    {
        using var response = await api.Http.GetAsync(path, TestContext.Current.CancellationToken);
        return new Probe(response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement);
    }
}
