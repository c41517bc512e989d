using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using HealthEvents.GraphSimulator;
using HealthEvents.GraphSimulator.Scenarios;
using HealthEvents.IntegrationTests.Support;
using Microsoft.Extensions.Time.Testing;
using static HealthEvents.IntegrationTests.Support.TestScenarios;

namespace HealthEvents.IntegrationTests.Simulator;

public class GraphSimulatorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> GetAsync(GraphSimulatorHost sim, string path, string? token = AlphaToken)
    {
        using var http = new HttpClient { BaseAddress = sim.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var response = await http.SendAsync(request, Ct);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();
        return (response.StatusCode, body, response);
    }

    [Fact]
    public async Task Phone_number_answer_has_the_seed_shape()
    {
        await using var sim = await GraphSimulatorHost.StartAsync(TwoTenants());

        var (status, body, _) = await GetAsync(sim, $"/v21.0/{AlphaPhone}?fields=health_status");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(AlphaPhone, body.GetProperty("id").GetString());
        var health = body.GetProperty("health_status");
        Assert.Equal("LIMITED", health.GetProperty("can_send_message").GetString());
        var entities = health.GetProperty("entities").EnumerateArray().ToList();
        Assert.Equal(["PHONE_NUMBER", "WABA", "BUSINESS", "APP"], entities.Select(e => e.GetProperty("entity_type").GetString()));
        Assert.Equal(JsonValueKind.Array, entities[0].GetProperty("additional_info").ValueKind);
        Assert.False(entities[1].TryGetProperty("additional_info", out _), "AVAILABLE entities carry no additional_info");
        Assert.False(entities[1].TryGetProperty("errors", out _), "AVAILABLE entities carry no errors");
    }

    [Fact]
    public async Task Template_answer_has_numeric_error_codes_like_the_seed()
    {
        await using var sim = await GraphSimulatorHost.StartAsync(TwoTenants());

        var (_, body, _) = await GetAsync(sim, $"/v21.0/{AlphaTemplate}?fields=health_status");

        var template = body.GetProperty("health_status").GetProperty("entities")[0];
        Assert.Equal("MESSAGE_TEMPLATE", template.GetProperty("entity_type").GetString());
        var error = template.GetProperty("errors")[0];
        Assert.Equal(141002, error.GetProperty("error_code").GetInt32());
        Assert.Equal("Message templates can only be sent out if they are approved.", error.GetProperty("error_description").GetString());
        Assert.Equal("BLOCKED", body.GetProperty("health_status").GetProperty("can_send_message").GetString());
    }

    [Fact]
    public async Task Waba_answer_lists_waba_business_and_app()
    {
        await using var sim = await GraphSimulatorHost.StartAsync(TwoTenants());

        var (_, body, _) = await GetAsync(sim, $"/v21.0/{AlphaWaba}?fields=health_status");

        Assert.Equal(["WABA", "BUSINESS", "APP"], body.GetProperty("health_status").GetProperty("entities").EnumerateArray()
            .Select(e => e.GetProperty("entity_type").GetString()));
    }

    [Fact]
    public async Task Missing_or_unknown_token_is_a_graph_oauth_error()
    {
        await using var sim = await GraphSimulatorHost.StartAsync(TwoTenants());

        var (status, body, _) = await GetAsync(sim, $"/v21.0/{AlphaWaba}?fields=health_status", token: null);
        var (status2, _, _) = await GetAsync(sim, $"/v21.0/{AlphaWaba}?fields=health_status", token: "nope");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(HttpStatusCode.Unauthorized, status2);
        Assert.Equal(190, body.GetProperty("error").GetProperty("code").GetInt32());
        Assert.True(body.GetProperty("error").TryGetProperty("fbtrace_id", out _));
    }

    [Fact]
    public async Task Scripted_transitions_change_health_over_time()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var scenario = TwoTenants();
        scenario.Transitions.Add(new HealthTransition
        {
            At = TimeSpan.FromSeconds(10),
            Id = AlphaWaba,
            Health = new NodeHealth { CanSendMessage = "BLOCKED", Errors = [new NodeHealthError(141006, "payment", "add a payment method")] },
        });
        await using var sim = await GraphSimulatorHost.StartAsync(scenario, time: time);

        var (_, before, _) = await GetAsync(sim, $"/v21.0/{AlphaWaba}?fields=health_status");
        time.Advance(TimeSpan.FromSeconds(10));
        var (_, after, _) = await GetAsync(sim, $"/v21.0/{AlphaWaba}?fields=health_status");

        Assert.Equal("AVAILABLE", before.GetProperty("health_status").GetProperty("can_send_message").GetString());
        Assert.Equal("BLOCKED", after.GetProperty("health_status").GetProperty("can_send_message").GetString());
    }

    [Fact]
    public async Task Per_token_rate_is_enforced_over_a_sliding_second_with_app_usage_header()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var scenario = TwoTenants();
        scenario.RateLimits = new RateLimitSettings { PerTokenPerSecond = 3 };
        await using var sim = await GraphSimulatorHost.StartAsync(scenario, time: time);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 4; i++)
        {
            var (status, _, response) = await GetAsync(sim, $"/v21.0/{AlphaWaba}?fields=health_status");
            statuses.Add(status);
            limited = status == HttpStatusCode.BadRequest ? response : limited;
        }

        time.Advance(TimeSpan.FromSeconds(1));
        var (afterWindow, _, _) = await GetAsync(sim, $"/v21.0/{AlphaWaba}?fields=health_status");
        var (otherToken, _, _) = await GetAsync(sim, $"/v21.0/{BetaWaba}?fields=health_status", BetaToken);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.BadRequest], statuses);
        Assert.Contains("\"call_count\":100", Assert.Single(limited!.Headers.GetValues("X-App-Usage")), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, afterWindow);
        Assert.Equal(HttpStatusCode.OK, otherToken);
    }

    [Fact]
    public async Task Per_waba_rate_answers_80007_with_regain_time()
    {
        var scenario = TwoTenants();
        scenario.RateLimits = new RateLimitSettings { PerWabaPerSecond = 1, RegainAccessMinutes = 2 };
        await using var sim = await GraphSimulatorHost.StartAsync(scenario, time: new FakeTimeProvider(DateTimeOffset.UtcNow));

        await GetAsync(sim, $"/v21.0/{AlphaWaba}?fields=health_status");
        var (status, body, response) = await GetAsync(sim, $"/v21.0/{AlphaPhone}?fields=health_status");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(80007, body.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Contains("\"estimated_time_to_regain_access\":2", response.Headers.GetValues("X-Business-Use-Case-Usage").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_call_is_logged_with_arrival_time_token_name_and_path_but_never_the_token()
    {
        await using var sim = await GraphSimulatorHost.StartAsync(TwoTenants());
        var started = DateTimeOffset.UtcNow;

        await GetAsync(sim, $"/v21.0/{AlphaWaba}?fields=health_status");
        await GetAsync(sim, $"/v21.0/{AlphaWaba}/phone_numbers", BetaToken);
        await GetAsync(sim, "/v21.0/1?fields=health_status", "bogus-secret");

        var calls = sim.State.Calls;
        Assert.Equal(["alpha", "beta", "(unknown)"], calls.Select(c => c.TokenName));
        Assert.Equal([200, 403, 401], calls.Select(c => c.Status));
        Assert.Equal($"/v21.0/{AlphaWaba}?fields=health_status", calls[0].Path);
        Assert.All(calls, c => Assert.InRange(c.At, started.AddSeconds(-1), DateTimeOffset.UtcNow));
        var log = JsonSerializer.Serialize(calls);
        Assert.DoesNotContain(AlphaToken, log, StringComparison.Ordinal);
        Assert.DoesNotContain("bogus-secret", log, StringComparison.Ordinal);

        var (_, remote, _) = await GetAsync(sim, "/_sim/calls", token: null);
        Assert.Equal(3, remote.GetArrayLength());
    }

    [Fact]
    public async Task Faults_can_be_injected_over_http_and_count_down()
    {
        await using var sim = await GraphSimulatorHost.StartAsync(TwoTenants());
        using var http = new HttpClient { BaseAddress = sim.BaseAddress };
        using var rule = new StringContent("""{"kind":"ServerError","nodeId":"102290129340398","times":1}""", System.Text.Encoding.UTF8, "application/json");
        (await http.PostAsync(new Uri("/_sim/faults", UriKind.Relative), rule, Ct)).EnsureSuccessStatusCode();

        var (first, _, _) = await GetAsync(sim, $"/v21.0/{AlphaWaba}?fields=health_status");
        var (second, _, _) = await GetAsync(sim, $"/v21.0/{AlphaWaba}?fields=health_status");

        Assert.Equal(HttpStatusCode.InternalServerError, first);
        Assert.Equal(HttpStatusCode.OK, second);
    }

    [Fact]
    public async Task Latency_has_a_configurable_slow_tail()
    {
        var scenario = TwoTenants();
        scenario.Latency = new LatencySettings { MinMs = 0, MaxMs = 0, SlowProbability = 1, SlowMs = 300 };
        await using var sim = await GraphSimulatorHost.StartAsync(scenario);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await GetAsync(sim, $"/v21.0/{AlphaWaba}?fields=health_status");

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(300), $"answered after {clock.ElapsedMilliseconds} ms");
        Assert.Equal(TimeSpan.Zero, new LatencySettings().Draw());
        Assert.InRange(new LatencySettings { MinMs = 5, MaxMs = 9 }.Draw(), TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(9));
    }

    [Fact]
    public void The_sample_scenario_loads()
    {
        var scenario = Scenario.Load(Path.Combine(AppContext.BaseDirectory, "scenarios", "sample.json"));
        Assert.Equal(2, scenario.Tokens.Count);
        Assert.Equal(141002, scenario.Health["2632273056924580"].Errors[0].ErrorCode);
    }
}
