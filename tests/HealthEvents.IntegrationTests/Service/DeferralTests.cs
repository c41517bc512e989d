using System.Net;
using HealthEvents.Contracts;
using HealthEvents.GraphSimulator.Scenarios;
using HealthEvents.IntegrationTests.Support;
using MassTransit;
using static HealthEvents.IntegrationTests.Support.TestScenarios;

namespace HealthEvents.IntegrationTests.Service;

/// <summary>
/// A sender is never left in silence while Meta throttles: a check that waits longer than
/// HealthChecks:DeferredNoticeAfter is announced once with HealthCheckDeferred, and a check whose
/// sender stops waiting before it could run (a request client's timeout, a message time-to-live,
/// AnswerWithin) is answered at once with HealthCheckRejected(Throttled) and when to retry.
/// </summary>
public class DeferralTests
{
    private static readonly Uri Entry = new("queue:health-check-requested");

    [Fact]
    public async Task Meta_throttling_a_waba_for_five_minutes_is_announced_once_and_nothing_answers_before_its_time()
    {
        await using var h = await ThrottledAsync(minutes: 5);
        var id = NewId.NextGuid();
        await h.Bus.Publish(WabaCheck(maxAge: TimeSpan.Zero), c => c.MessageId = id, TestContext.Current.CancellationToken);

        var deferred = await h.WaitForAsync<HealthCheckDeferred>(d => d.Request.WabaId == AlphaWaba, TimeSpan.FromSeconds(15));
        Assert.Equal("MetaPausedWaba", deferred.Reason);
        Assert.True(deferred.RetryAfter >= TimeSpan.FromMinutes(4), $"retry after {deferred.RetryAfter}");
        Assert.True(deferred.NotBefore > DateTimeOffset.UtcNow + TimeSpan.FromMinutes(4), $"not before {deferred.NotBefore:O}");
        Assert.Equal([id], h.PublishedWithInitiator<HealthCheckDeferred>().Select(d => d.InitiatorId));

        // Parked, not answered: a second check of another node still runs meanwhile, and this one has no answer.
        await h.PublishAsync(WabaCheck(tenant: "beta", waba: BetaWaba));
        await h.WaitForAsync<HealthCheckCompleted>(c => c.CustSpaceId == "beta");
        Assert.DoesNotContain(h.PublishedWithInitiator<HealthCheckCompleted>(), c => c.InitiatorId == id);
        Assert.DoesNotContain(h.PublishedWithInitiator<HealthCheckRejected>(), r => r.InitiatorId == id);
        Assert.Single(h.PublishedNow<HealthCheckDeferred>());
    }

    [Fact]
    public async Task A_request_client_that_waits_ten_seconds_hears_throttled_with_the_time_to_retry_before_it_gives_up()
    {
        await using var h = await ThrottledAsync(minutes: 5);
        var client = h.Bus.CreateRequestClient<HealthCheckRequested>(Entry, RequestTimeout.After(s: 10));

        var response = await client.GetResponse<HealthCheckCompleted, HealthCheckRejected>(WabaCheck(maxAge: TimeSpan.Zero), TestContext.Current.CancellationToken);

        Assert.True(response.Is(out Response<HealthCheckRejected>? rejected), "answered Completed while Meta throttles");
        Assert.Equal(RejectionReasons.Throttled, rejected.Message.Reason);
        Assert.True(rejected.Message.RetryAfter >= TimeSpan.FromMinutes(4), $"retry after {rejected.Message.RetryAfter}");
        Assert.Contains("Meta is throttling this WABA", rejected.Message.Detail, StringComparison.Ordinal);
        Assert.Empty(h.PublishedNow<HealthCheckDeferred>());
    }

    [Theory]
    [InlineData("time-to-live")]
    [InlineData("AnswerWithin")]
    public async Task A_request_whose_sender_waits_two_seconds_and_that_would_be_parked_ten_is_answered_not_lost(string deadline)
    {
        await using var h = await ThrottledAsync(minutes: 10 / 60.0);
        var id = NewId.NextGuid();
        var endpoint = await h.Bus.GetSendEndpoint(Entry);
        var check = WabaCheck(maxAge: TimeSpan.Zero) with { AnswerWithin = deadline == "AnswerWithin" ? TimeSpan.FromSeconds(2) : null };
        await endpoint.Send(check, c =>
        {
            c.MessageId = id;
            c.TimeToLive = deadline == "time-to-live" ? TimeSpan.FromSeconds(2) : null;
        }, TestContext.Current.CancellationToken);

        await Eventually.TrueAsync(() => h.PublishedWithInitiator<HealthCheckRejected>().Any(r => r.InitiatorId == id), TimeSpan.FromSeconds(30), "the request to be answered");
        var rejected = h.PublishedWithInitiator<HealthCheckRejected>().Single(r => r.InitiatorId == id).Message;
        Assert.Equal(RejectionReasons.Throttled, rejected.Reason);
        Assert.True(rejected.RetryAfter > TimeSpan.FromSeconds(5), $"retry after {rejected.RetryAfter}");
    }

    [Fact]
    public async Task A_check_posted_over_http_shows_it_is_waiting_and_why_then_its_answer()
    {
        await using var h = await ThrottledAsync(minutes: 5, ApiClient.Settings());
        using var api = new ApiClient(h.HttpAddress);

        var queued = await api.PostAsync("/v1/checks", $$"""{"CustSpaceId":"alpha","NodeType":"waba","WabaId":"{{AlphaWaba}}","MaxAge":"00:00:00"}""");
        var id = Assert.Single(queued.Data.GetProperty("Checks").EnumerateArray()).GetProperty("CheckId").GetGuid();

        var waiting = await Eventually.ReturnsAsync(async () => (await api.GetAsync($"/v1/checks/{id}")).Json,
            // It may first wait out the new instance's takeover hold, then waits for Meta.
            reply => reply.GetProperty("Code").GetString() == "OK" && reply.GetProperty("Data").GetProperty("Reason").GetString() == "MetaPausedWaba",
            TimeSpan.FromSeconds(30), "the check to show as waiting for Meta");
        waiting = waiting.GetProperty("Data");
        Assert.Equal("Waiting", waiting.GetProperty("State").GetString());
        Assert.Equal("Meta is throttling this WABA", waiting.GetProperty("Detail").GetString());
        Assert.True(waiting.GetProperty("NotBefore").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(4), waiting.ToString());

        // The space's waiting list (the dashboard's) names it; another space's key cannot see it.
        var list = (await api.GetAsync("/v1/checks?State=Waiting")).Data.GetProperty("Checks").EnumerateArray().ToList();
        Assert.Contains(list, c => c.GetProperty("CheckId").GetGuid() == id);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/v1/checks/{id}", ApiClient.BetaKey)).Status);
        Assert.Empty((await api.GetAsync("/v1/checks?State=Waiting", ApiClient.BetaKey)).Data.GetProperty("Checks").EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/v1/checks/{Guid.NewGuid()}")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync("/v1/checks?State=Completed")).Status);

        // A check that is answered at once shows its answer.
        var beta = await api.PostAsync("/v1/checks", $$"""{"CustSpaceId":"beta","NodeType":"waba","WabaId":"{{BetaWaba}}"}""", ApiClient.BetaKey);
        var betaId = Assert.Single(beta.Data.GetProperty("Checks").EnumerateArray()).GetProperty("CheckId").GetGuid();
        var completed = (await Eventually.ReturnsAsync(async () => (await api.GetAsync($"/v1/checks/{betaId}", ApiClient.BetaKey)).Json,
            reply => reply.GetProperty("Code").GetString() == "OK" && reply.GetProperty("Data").GetProperty("State").GetString() == "Completed",
            TimeSpan.FromSeconds(30), "beta's check to show its answer")).GetProperty("Data");
        Assert.Equal(MessagingStatus.Available, completed.GetProperty("CanSendMessage").GetString());
        Assert.Equal("Go", completed.GetProperty("Campaign").GetString());
    }

    [Fact]
    public async Task A_check_meta_pauses_for_twenty_seconds_waits_through_a_hop_and_is_answered_never_before_metas_time()
    {
        await using var h = await ThrottledAsync(minutes: 20 / 60.0, times: 1);
        var id = NewId.NextGuid();
        await h.Bus.Publish(WabaCheck(maxAge: TimeSpan.Zero), c => c.MessageId = id, TestContext.Current.CancellationToken);

        await Eventually.TrueAsync(() => h.PublishedWithInitiator<HealthCheckCompleted>().Any(c => c.InitiatorId == id), TimeSpan.FromSeconds(90), "the paused check to be answered");
        var calls = h.Simulator.State.Calls.Where(c => c.Path.Contains(AlphaWaba, StringComparison.Ordinal)).OrderBy(c => c.At).ToList();
        Assert.True(calls.Count >= 2, $"{calls.Count} calls");
        Assert.True(calls[1].At - calls[0].At >= TimeSpan.FromSeconds(20), $"called again {calls[1].At - calls[0].At} after Meta asked for 20 s ({calls[0].Outcome})");
        // 20 s is past the shortest hop: 15 s in the hop queue, the rest held in the near queue.
        Assert.Contains(h.Logs.Lines, l => l.Contains($"Check {id} waits", StringComparison.Ordinal) && l.Contains(": health-check-requested.park.15s", StringComparison.Ordinal));
        Assert.Contains(h.Logs.Lines, l => l.Contains($"Near-parked check {id} is due", StringComparison.Ordinal));
    }

    /// <summary>The service on RabbitMQ, with Meta answering 80007 for alpha's WABA and asking for <paramref name="minutes"/> before the next call.</summary>
    private static async Task<ServiceHarness> ThrottledAsync(double minutes, IDictionary<string, string?>? settings = null, int? times = null)
    {
        var h = await ServiceHarness.StartAsync(TwoTenants(), settings);
        h.Simulator.State.AddFault(new FaultRule { Kind = FaultKind.Throttle, NodeId = AlphaWaba, RegainAccessMinutes = minutes, Times = times });
        return h;
    }
}
