using System.Net;
using HealthEvents.IntegrationTests.Support;

namespace HealthEvents.IntegrationTests.Api;

/// <summary>Who may call the API and how often: keys per tenant and the admin key, and the per-tenant API limit.</summary>
public class ApiAccessTests
{
    private static readonly string AlphaWaba = $"/v1/health-status?CustSpaceId=alpha&NodeType=waba&WabaId={TestScenarios.AlphaWaba}&MaxAge=3600";
    private static readonly string BetaWaba = $"/v1/health-status?CustSpaceId=beta&NodeType=waba&WabaId={TestScenarios.BetaWaba}&MaxAge=3600";

    [Fact]
    public async Task A_missing_or_wrong_key_is_refused_and_a_tenant_key_reaches_only_its_own_nodes_while_the_admin_key_reaches_all()
    {
        await using var h = await ServiceHarness.StartAsync(TestScenarios.TwoTenants(), ApiClient.Settings());
        using var api = new ApiClient(h.HttpAddress);

        foreach (var key in new[] { null, "", "not-a-key", ApiClient.AlphaKey + "x", ApiClient.AlphaKey.ToUpperInvariant() })
        {
            var refused = await api.GetAsync(AlphaWaba, key);
            Assert.Equal((HttpStatusCode.Unauthorized, "InvalidApiKey"), (refused.Status, refused.Code));
        }

        var bearer = new HttpRequestMessage(HttpMethod.Get, AlphaWaba);
        bearer.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiClient.AlphaKey);
        Assert.Equal(HttpStatusCode.OK, (await api.Http.SendAsync(bearer, TestContext.Current.CancellationToken)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(AlphaWaba, ApiClient.AlphaKey)).Status);
        var otherTenant = await api.GetAsync(BetaWaba, ApiClient.AlphaKey);
        Assert.Equal((HttpStatusCode.Forbidden, "Forbidden.NoPermission"), (otherTenant.Status, otherTenant.Code));
        Assert.Contains("alpha", otherTenant.Json.GetProperty("AccessDeniedDetail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(BetaWaba, ApiClient.BetaKey)).Status);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(AlphaWaba, ApiClient.AdminKey)).Status);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(BetaWaba, ApiClient.AdminKey)).Status);

        // The same for reads and writes: another tenant's events, nodes and checks.
        Assert.Equal(HttpStatusCode.Forbidden, (await api.GetAsync("/v1/events?CustSpaceId=beta", ApiClient.AlphaKey)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.GetAsync("/v1/nodes?CustSpaceId=beta", ApiClient.AlphaKey)).Status);
        var post = await api.PostAsync("/v1/checks", $$"""{"CustSpaceId":"beta","NodeType":"waba","WabaId":"{{TestScenarios.BetaWaba}}"}""", ApiClient.AlphaKey);
        Assert.Equal((HttpStatusCode.Forbidden, "Forbidden.NoPermission"), (post.Status, post.Code));
        var tenants = await api.GetAsync("/v1/tenants", ApiClient.AlphaKey);
        Assert.Equal("alpha", Assert.Single(tenants.Data.GetProperty("Tenants").EnumerateArray()).GetProperty("CustSpaceId").GetString());
        var all = await api.GetAsync("/v1/tenants", ApiClient.AdminKey);
        Assert.Equal("alpha,beta", string.Join(",", all.Data.GetProperty("Tenants").EnumerateArray().Select(t => t.GetProperty("CustSpaceId").GetString())));

        // The start-up line says what is served, and keys never reach the logs.
        Assert.Contains(h.Logs.Lines, l => l.Contains("HTTP side on http://127.0.0.1:0: API keys for 2 of 2 tenants and an admin key", StringComparison.Ordinal));
        Assert.DoesNotContain(h.Logs.Lines, l => l.Contains(ApiClient.AlphaKey, StringComparison.Ordinal) || l.Contains(ApiClient.AdminKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Each_tenant_gets_five_API_requests_a_second_answered_like_Alibabas_throttling_and_other_tenants_are_untouched()
    {
        await using var h = await ServiceHarness.StartAsync(TestScenarios.TwoTenants(), ApiClient.Settings(requestsPerSecond: 5));
        using var api = new ApiClient(h.HttpAddress);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(AlphaWaba)).Status);

        // Twelve at once: at most five in any second may pass.
        var burst = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => api.GetAsync(AlphaWaba)));
        var refused = burst.Where(r => r.Status == HttpStatusCode.TooManyRequests).ToList();
        Assert.InRange(burst.Length - refused.Count, 0, 5);
        Assert.NotEmpty(refused);
        Assert.All(refused, r =>
        {
            Assert.Equal("Throttling.User", r.Code);
            Assert.False(r.Json.GetProperty("Success").GetBoolean());
            Assert.NotNull(r.Header("Retry-After"));
        });

        // Beta's budget is its own.
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(BetaWaba, ApiClient.BetaKey)).Status);

        // And alpha's comes back once the second has passed.
        var retryAfter = TimeSpan.FromSeconds(int.Parse(refused[0].Header("Retry-After")!, System.Globalization.CultureInfo.InvariantCulture));
        await Eventually.ReturnsAsync(() => api.GetAsync(AlphaWaba), r => r.Status == HttpStatusCode.OK, retryAfter + TimeSpan.FromSeconds(5), "alpha to be answered again");
    }
}
