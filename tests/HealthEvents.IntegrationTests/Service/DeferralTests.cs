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

    /// <summary>The service on RabbitMQ, with Meta answering 80007 for alpha's WABA and asking for <paramref name="minutes"/> before the next call.</summary>
    private static async Task<ServiceHarness> ThrottledAsync(double minutes)
    {
        var h = await ServiceHarness.StartAsync(TwoTenants());
        h.Simulator.State.AddFault(new FaultRule { Kind = FaultKind.Throttle, NodeId = AlphaWaba, RegainAccessMinutes = minutes });
        return h;
    }
}
