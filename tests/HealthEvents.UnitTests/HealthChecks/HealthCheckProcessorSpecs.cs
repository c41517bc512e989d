using HealthEvents.Contracts;
using HealthEvents.Core.Budgets;
using HealthEvents.Core.HealthChecks;
using HealthEvents.Graph;
using HealthEvents.Graph.Throttling;
using HealthEvents.UnitTests.Support;
using static HealthEvents.UnitTests.Support.CheckPipeline;

namespace HealthEvents.UnitTests.HealthChecks;

/// <summary>The processor directly: what ends before Meta, what reaches it, and what the outcome carries.</summary>
public class HealthCheckProcessorSpecs
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>As the consumer hands it over: asked now, never parked.</summary>
    private static CheckRequest Ask(HealthCheckRequested message, DateTimeOffset? askedAt = null) =>
        new(message, 300, Guid.NewGuid(), askedAt ?? DateTimeOffset.UtcNow);

    private static HealthCheckRequested WabaCheck(string tenant = "alpha", string waba = Waba, TimeSpan? maxAge = null) =>
        new() { CustSpaceId = tenant, NodeType = NodeTypes.Waba, WabaId = waba, MaxAge = maxAge, RequestedAt = DateTimeOffset.UtcNow };

    [Theory]
    [InlineData("alpha", "12/34", RejectionReasons.Invalid)]
    [InlineData("alpha", OtherWaba, RejectionReasons.AccessDenied)]
    [InlineData("nobody", Waba, RejectionReasons.AccessDenied)]
    public async Task Bad_or_foreign_requests_are_refused_before_any_graph_call(string tenant, string waba, string reason)
    {
        await using var pipeline = await StartAsync();

        var outcome = await pipeline.Get<HealthCheckProcessor>().ProcessAsync(Ask(WabaCheck(tenant, waba)), Ct);

        var rejected = Assert.IsType<CheckOutcome.Rejected>(outcome);
        Assert.Equal(reason, rejected.Event.Reason);
        Assert.Equal(waba, rejected.Event.Request.WabaId);
        Assert.Empty(pipeline.Graph.Requests);
    }

    [Fact]
    public async Task A_first_check_asks_meta_stores_version_one_and_reports_the_change()
    {
        await using var pipeline = await StartAsync();
        pipeline.Graph.Status[Waba] = "LIMITED";

        var completed = Assert.IsType<CheckOutcome.Completed>(await pipeline.Get<HealthCheckProcessor>().ProcessAsync(Ask(WabaCheck()), Ct));

        Assert.False(completed.Event.FromCache);
        Assert.Equal(1, completed.Event.Version);
        Assert.Equal("LIMITED", completed.Event.Snapshot.CanSendMessage);
        Assert.Equal(1, completed.Change!.Version);
        Assert.Equal(1, pipeline.Graph.HealthCalls);
    }

    [Fact]
    public async Task A_second_copy_of_an_answered_request_gets_its_first_answer_again_though_meta_and_the_store_moved_on()
    {
        await using var pipeline = await StartAsync();
        var answers = pipeline.Get<AnswerMemory>();
        pipeline.Graph.Status[Waba] = "LIMITED";
        var changed = Ask(WabaCheck());
        var unchanged = Ask(WabaCheck());
        var first = await AnswerAsync(changed);
        Assert.Equal((1, "LIMITED", false), (first.Version, first.Snapshot.CanSendMessage, first.FromCache));
        Assert.Equal(first.Snapshot.CheckedAt, (await pipeline.Store.FindAnswerAsync(changed.RequestId, Ct))?.CheckedAt);
        var firstOfUnchanged = await AnswerAsync(unchanged);

        // After both answers went out, other checks store a re-check that changes nothing (it moves the check time), then a change.
        var key = new Domain.HealthChecks.NodeKey("alpha", NodeTypes.Waba, Waba);
        var recorder = pipeline.Get<SnapshotRecorder>();
        var stored = (await pipeline.Store.GetAsync(key, Ct))!;
        await recorder.RecordAsync(key, stored.Identity, stored.Snapshot with { CheckedAt = DateTimeOffset.UtcNow.AddSeconds(1) }, null, Ct);
        var blocked = stored.Snapshot with { CanSendMessage = "BLOCKED", CheckedAt = DateTimeOffset.UtcNow.AddSeconds(2) };
        Assert.Equal(2, (await recorder.RecordAsync(key, stored.Identity, blocked, null, Ct)).Stored.Version);
        var calls = pipeline.Graph.HealthCalls;

        // Any second copy: redelivered after a crash, or a parked or forwarded copy whose original the crash left unacknowledged.
        Assert.Equal(Json(first), Json(await AnswerAsync(changed)));
        Assert.Equal(Json(firstOfUnchanged), Json(await AnswerAsync(unchanged)));
        Assert.Equal(calls, pipeline.Graph.HealthCalls);
        // A request never answered (the process died before the answer) is checked as any request: the store's newer answer.
        Assert.Equal(2, (await AnswerAsync(Ask(WabaCheck(), DateTimeOffset.UtcNow.AddSeconds(-5)))).Version);

        async Task<HealthCheckCompleted> AnswerAsync(CheckRequest request)
        {
            // As the consumer does: a fresh answer was kept with its snapshot, one from the store is kept now.
            var outcome = Assert.IsType<CheckOutcome.Completed>(await pipeline.Get<HealthCheckProcessor>().ProcessAsync(request, Ct));
            if (!outcome.Remembered)
            {
                await answers.RememberAsync(request.RequestId, outcome.Event, Ct);
            }

            return outcome.Event;
        }

        static string Json(HealthCheckCompleted completed) => System.Text.Json.JsonSerializer.Serialize(completed);
    }

    [Fact]
    public async Task A_snapshot_younger_than_max_age_answers_without_meta()
    {
        await using var pipeline = await StartAsync();
        await pipeline.Get<HealthCheckProcessor>().ProcessAsync(Ask(WabaCheck()), Ct);

        var cached = Assert.IsType<CheckOutcome.Completed>(
            await pipeline.Get<HealthCheckProcessor>().ProcessAsync(Ask(WabaCheck(maxAge: TimeSpan.FromHours(1))), Ct));

        Assert.True(cached.Event.FromCache);
        Assert.Null(cached.Change);
        Assert.Equal(1, pipeline.Graph.HealthCalls);
    }

    [Fact]
    public async Task A_phone_check_by_number_carries_the_resolved_ids_in_its_outcome()
    {
        await using var pipeline = await StartAsync();
        pipeline.Graph.Phones.Add(("106540352242922", "+1 555-010-0001"));

        var completed = Assert.IsType<CheckOutcome.Completed>(await pipeline.Get<HealthCheckProcessor>().ProcessAsync(
            Ask(new HealthCheckRequested { CustSpaceId = "alpha", NodeType = NodeTypes.Phone, WabaId = Waba, PhoneNumber = "+15550100001" }), Ct));

        Assert.Equal("106540352242922", completed.Event.NodeId);
        Assert.Equal("106540352242922", completed.Event.PhoneNumberId);
        Assert.Equal("+1 555-010-0001", completed.Event.PhoneNumber);
        Assert.Contains(pipeline.Graph.Requests, r => r.StartsWith("/v21.0/106540352242922?fields=health_status", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Concurrent_requests_for_one_node_share_one_graph_call_and_one_version()
    {
        await using var pipeline = await StartAsync();
        var askedAt = DateTimeOffset.UtcNow;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            pipeline.Get<HealthCheckProcessor>().ProcessAsync(Ask(WabaCheck(), askedAt), Ct)));

        var completed = outcomes.Select(o => Assert.IsType<CheckOutcome.Completed>(o)).ToList();
        Assert.Equal(1, pipeline.Graph.HealthCalls);
        Assert.All(completed, c => Assert.Equal(1, c.Event.Version));
        Assert.Single(completed, c => !c.Event.FromCache);
        Assert.Single(completed, c => c.Change is not null);
    }

    [Fact]
    public async Task A_request_for_a_node_whose_check_is_parked_parks_after_it_and_spends_no_budget()
    {
        await using var pipeline = await StartAsync();
        pipeline.Get<GraphBudget>().Pause(new GraphCallScope("alpha", Waba), new MetaPause(ThrottleScope.Tenant, TimeSpan.FromSeconds(30)));

        var leader = Assert.IsType<CheckOutcome.Parked>(await pipeline.Get<HealthCheckProcessor>().ProcessAsync(Ask(WabaCheck()), Ct));
        var joiner = Assert.IsType<CheckOutcome.Parked>(await pipeline.Get<HealthCheckProcessor>().ProcessAsync(Ask(WabaCheck()), Ct));

        Assert.Equal(WaitReason.MetaPausedTenant, leader.Reason);
        Assert.NotNull(leader.Slot);
        Assert.Equal(leader.Until + CheckCoalescer.JoinDelay, joiner.Until);
        Assert.Null(joiner.Slot);
        Assert.Empty(pipeline.Graph.Requests);
    }

    [Fact]
    public async Task A_request_asked_after_the_last_answer_is_not_answered_from_it_but_waits_its_turn_for_meta()
    {
        // A clock that stands still: however slow the machine, the second check comes straight after the first.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var pipeline = await StartAsync(time: time);
        await pipeline.Get<HealthCheckProcessor>().ProcessAsync(Ask(WabaCheck(), time.GetUtcNow()), Ct);

        // Straight after the first check: the tenant's schedule (5/s) promises it the next start, 200 ms after the first.
        var second = Assert.IsType<CheckOutcome.Parked>(
            await pipeline.Get<HealthCheckProcessor>().ProcessAsync(Ask(WabaCheck(), time.GetUtcNow().AddMilliseconds(1)), Ct));

        Assert.Equal(WaitReason.TenantRate, second.Reason);
        // Woken a moment before the start it was promised, so its call is at the gate when the window frees.
        Assert.Equal(second.Slot - GraphBudget.WakeAhead(TimeSpan.FromMilliseconds(200)), second.Until);
        Assert.Equal(1, pipeline.Graph.HealthCalls);
    }

    [Fact]
    public async Task When_meta_fails_transiently_the_check_is_parked_with_a_growing_wait_and_remembers_since_when()
    {
        await using var pipeline = await StartAsync();
        pipeline.Graph.FailHealthWith = (System.Net.HttpStatusCode.InternalServerError, 2);
        var before = DateTimeOffset.UtcNow;

        var parked = Assert.IsType<CheckOutcome.Parked>(await pipeline.Get<HealthCheckProcessor>().ProcessAsync(Ask(WabaCheck()), Ct));

        Assert.Equal(WaitReason.UpstreamUnavailable, parked.Reason);
        Assert.InRange(parked.UpstreamFailingSince!.Value, before, DateTimeOffset.UtcNow);
        Assert.True(parked.Until > parked.UpstreamFailingSince, "parked for a while");

        // Another node (this one's joiners wait for its own retry), failing for a while already.
        var later = Ask(WabaCheck("beta", OtherWaba)) with { UpstreamFailingSince = DateTimeOffset.UtcNow - TimeSpan.FromSeconds(20) };
        var again = Assert.IsType<CheckOutcome.Parked>(await pipeline.Get<HealthCheckProcessor>().ProcessAsync(later, Ct));
        Assert.Equal(later.UpstreamFailingSince, again.UpstreamFailingSince);
        Assert.True(again.Until - DateTimeOffset.UtcNow > TimeSpan.FromSeconds(10), "the wait grew with the time Meta has been failing");
    }

    [Fact]
    public async Task Past_the_upstream_deadline_the_check_is_answered_as_upstream_unavailable()
    {
        await using var pipeline = await StartAsync();
        pipeline.Graph.FailHealthWith = (System.Net.HttpStatusCode.BadGateway, 2);
        var request = Ask(WabaCheck()) with { UpstreamFailingSince = DateTimeOffset.UtcNow - TimeSpan.FromMinutes(3) };

        var rejected = Assert.IsType<CheckOutcome.Rejected>(await pipeline.Get<HealthCheckProcessor>().ProcessAsync(request, Ct));

        Assert.Equal(RejectionReasons.UpstreamUnavailable, rejected.Event.Reason);
        Assert.NotNull(rejected.Event.RetryAfter);
        Assert.Equal(Waba, rejected.Event.Request.WabaId);
    }

    [Fact]
    public async Task A_token_meta_refused_rejects_that_tenants_next_checks_without_a_call_and_leaves_others_alone()
    {
        await using var pipeline = await StartAsync();
        pipeline.Graph.FailHealthWith = (System.Net.HttpStatusCode.Unauthorized, 190);

        var first = Assert.IsType<CheckOutcome.Rejected>(await pipeline.Get<HealthCheckProcessor>().ProcessAsync(Ask(WabaCheck()), Ct));
        var second = Assert.IsType<CheckOutcome.Rejected>(await pipeline.Get<HealthCheckProcessor>().ProcessAsync(Ask(WabaCheck()), Ct));

        Assert.Equal(190, first.Event.UpstreamErrorCode);
        Assert.Equal(RejectionReasons.UpstreamRejected, second.Event.Reason);
        Assert.Equal(190, second.Event.UpstreamErrorCode);
        Assert.Equal(1, pipeline.Graph.HealthCalls);

        pipeline.Graph.FailHealthWith = null;
        Assert.IsType<CheckOutcome.Completed>(await pipeline.Get<HealthCheckProcessor>().ProcessAsync(Ask(WabaCheck("beta", OtherWaba)), Ct));
        Assert.Equal(2, pipeline.Graph.HealthCalls);
    }
}
