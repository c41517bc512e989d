using HealthEvents.Contracts;
using HealthEvents.GraphSimulator.Scenarios;
using HealthEvents.IntegrationTests.Support;
using MassTransit;
using static HealthEvents.IntegrationTests.Support.TestScenarios;

namespace HealthEvents.IntegrationTests.Specs;

/// <summary>
/// The check consumer's behaviour (BRIEF §5) on MassTransit's in-memory transport through the test
/// harness: no broker needed. What only a broker shows is in <c>Service/HealthCheckBrokerTests</c>.
/// </summary>
public class HealthCheckConsumerSpecs
{
    [Fact]
    public async Task A_status_change_produces_exactly_one_event_with_previous_current_and_version()
    {
        await using var h = await ServiceHarness.StartInMemoryAsync(TwoTenants());

        await h.PublishAsync(WabaCheck());
        var first = await h.WaitForAsync<HealthStatusChanged>(e => e.NodeId == AlphaWaba);
        h.Simulator.State.SetHealth(AlphaWaba, new NodeHealth
        {
            CanSendMessage = "BLOCKED",
            Errors = [new NodeHealthError(141006, "There is an error with the payment method.", "Add a new payment method.")],
        });
        await h.PublishAsync(WabaCheck());
        var second = await h.WaitForAsync<HealthStatusChanged>(e => e.NodeId == AlphaWaba && e.Version == 2);
        await h.WaitForAsync<HealthCheckCompleted>(c => c.NodeId == AlphaWaba && c.Version == 2);

        Assert.Null(first.Previous);
        Assert.Equal("AVAILABLE", first.Current);
        Assert.Equal(1, first.Version);
        Assert.Equal("AVAILABLE", second.Previous);
        Assert.Equal("BLOCKED", second.Current);
        Assert.Equal("141006", second.Entities.Single(e => e.EntityType == "WABA").Errors.Single().ErrorCode);
        Assert.Equal(2, h.PublishedNow<HealthStatusChanged>(e => e.NodeId == AlphaWaba).Count);
        Assert.False(await h.Harness.Published.Any<Fault<HealthCheckRequested>>(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_request_delivered_twice_is_answered_twice_with_the_same_message_id()
    {
        await using var h = await ServiceHarness.StartInMemoryAsync(TwoTenants());
        var requestId = NewId.NextGuid();
        var ct = TestContext.Current.CancellationToken;

        await h.Bus.Publish(WabaCheck(), c => c.MessageId = requestId, ct);
        await h.WaitForAsync<HealthCheckCompleted>(c => c.NodeId == AlphaWaba);
        await h.Bus.Publish(WabaCheck(), c => c.MessageId = requestId, ct);
        await Eventually.TrueAsync(() => h.PublishedWithIds<HealthCheckCompleted>().Count(p => p.InitiatorId == requestId) == 2, TimeSpan.FromSeconds(30), "the second answer");

        var answers = h.PublishedWithIds<HealthCheckCompleted>().Where(p => p.InitiatorId == requestId).ToList();
        Assert.Single(answers.Select(a => a.MessageId).Distinct());
        Assert.NotEqual(requestId, answers[0].MessageId);
    }

    [Fact]
    public async Task Unchanged_recheck_publishes_no_event()
    {
        await using var h = await ServiceHarness.StartInMemoryAsync(TwoTenants());

        await h.PublishAsync(WabaCheck());
        await h.WaitForAsync<HealthCheckCompleted>(c => c.NodeId == AlphaWaba);
        await h.PublishAsync(WabaCheck());
        await Eventually.TrueAsync(() => h.PublishedNow<HealthCheckCompleted>(c => c.NodeId == AlphaWaba).Count == 2, TimeSpan.FromSeconds(30), "the second check");

        Assert.Single(h.PublishedNow<HealthStatusChanged>());
        Assert.All(h.PublishedNow<HealthCheckCompleted>(), c => Assert.Equal(1, c.Version));
        Assert.Equal(2, h.GraphCallsFor(AlphaWaba));
    }

    [Fact]
    public async Task Limited_additional_info_and_blocked_errors_arrive_intact()
    {
        await using var h = await ServiceHarness.StartInMemoryAsync(TwoTenants());

        await h.PublishAsync(new HealthCheckRequested
        {
            CustSpaceId = "alpha",
            NodeType = NodeTypes.Phone,
            WabaId = AlphaWaba,
            PhoneNumber = "15550100001",
            RequestedAt = DateTimeOffset.UtcNow,
        });
        await h.PublishAsync(new HealthCheckRequested
        {
            CustSpaceId = "alpha",
            NodeType = NodeTypes.Template,
            WabaId = AlphaWaba,
            TemplateCode = "order_update",
            Language = "en",
            RequestedAt = DateTimeOffset.UtcNow,
        });
        var phone = await h.WaitForAsync<HealthStatusChanged>(e => e.NodeType == NodeTypes.Phone);
        var template = await h.WaitForAsync<HealthStatusChanged>(e => e.NodeType == NodeTypes.Template);

        Assert.Equal(AlphaPhone, phone.NodeId);
        Assert.Equal(AlphaPhone, phone.PhoneNumberId);
        Assert.Equal(AlphaPhoneDisplay, phone.PhoneNumber);
        Assert.Equal("LIMITED", phone.Current);
        Assert.Equal(TwoTenants().Health[AlphaPhone].AdditionalInfo, phone.Entities.Single(e => e.EntityType == "PHONE_NUMBER").AdditionalInfo);

        Assert.Equal(AlphaTemplate, template.NodeId);
        Assert.Equal("order_update", template.TemplateCode);
        Assert.Equal("en", template.Language);
        var error = template.Entities.Single(e => e.EntityType == "MESSAGE_TEMPLATE").Errors.Single();
        Assert.Equal("141002", error.ErrorCode);
        Assert.Equal("Message templates can only be sent out if they are approved.", error.ErrorDescription);
        Assert.Equal("Edit or appeal the message template review decision.", error.PossibleSolution);
    }

    [Fact]
    public async Task MaxAge_answers_from_the_store_without_a_graph_call()
    {
        await using var h = await ServiceHarness.StartInMemoryAsync(TwoTenants());
        await h.PublishAsync(WabaCheck());
        await h.WaitForAsync<HealthCheckCompleted>(c => c.NodeId == AlphaWaba);
        var callsBefore = h.Simulator.State.Calls.Count;

        await h.PublishAsync(WabaCheck(maxAge: TimeSpan.FromHours(1)));
        var cached = await h.WaitForAsync<HealthCheckCompleted>(c => c.FromCache);

        Assert.Equal(AlphaWaba, cached.NodeId);
        Assert.Equal(1, cached.Version);
        Assert.Equal(callsBefore, h.Simulator.State.Calls.Count);
    }

    [Fact]
    public async Task A_node_of_another_tenant_is_access_denied_without_a_graph_call()
    {
        await using var h = await ServiceHarness.StartInMemoryAsync(TwoTenants());

        await h.PublishAsync(WabaCheck(tenant: "alpha", waba: BetaWaba));
        await h.PublishAsync(WabaCheck(tenant: "nobody", waba: AlphaWaba));
        var foreignWaba = await h.WaitForAsync<HealthCheckRejected>(r => r.Request.WabaId == BetaWaba);
        var unknownTenant = await h.WaitForAsync<HealthCheckRejected>(r => r.Request.CustSpaceId == "nobody");

        Assert.Equal(RejectionReasons.AccessDenied, foreignWaba.Reason);
        Assert.Contains(BetaWaba, foreignWaba.Detail, StringComparison.Ordinal);
        Assert.Equal(RejectionReasons.AccessDenied, unknownTenant.Reason);
        Assert.Empty(h.Simulator.State.Calls);
    }

    [Fact]
    public async Task A_phone_number_id_of_another_waba_is_access_denied_and_never_checked()
    {
        await using var h = await ServiceHarness.StartInMemoryAsync(TwoTenants());

        await h.PublishAsync(new HealthCheckRequested
        {
            CustSpaceId = "alpha",
            NodeType = NodeTypes.Phone,
            WabaId = AlphaWaba,
            PhoneNumberId = BetaPhone,
            RequestedAt = DateTimeOffset.UtcNow,
        });
        var rejected = await h.WaitForAsync<HealthCheckRejected>(_ => true);

        Assert.Equal(RejectionReasons.AccessDenied, rejected.Reason);
        Assert.Equal(0, h.GraphCallsFor(BetaPhone));
    }

    [Theory]
    [InlineData("flow", AlphaWaba, null)]
    [InlineData(NodeTypes.Waba, "../102290129340398", null)]
    [InlineData(NodeTypes.Waba, null, null)]
    [InlineData(NodeTypes.Phone, AlphaWaba, "call me maybe")]
    public async Task Invalid_requests_are_rejected_as_invalid_without_a_graph_call(string nodeType, string? waba, string? phone)
    {
        await using var h = await ServiceHarness.StartInMemoryAsync(TwoTenants());

        await h.PublishAsync(new HealthCheckRequested { CustSpaceId = "alpha", NodeType = nodeType, WabaId = waba, PhoneNumber = phone, RequestedAt = DateTimeOffset.UtcNow });
        var rejected = await h.WaitForAsync<HealthCheckRejected>(_ => true);

        Assert.Equal(RejectionReasons.Invalid, rejected.Reason);
        Assert.Empty(h.Simulator.State.Calls);
    }

    [Fact]
    public async Task An_upstream_permission_error_is_rejected_with_metas_code_and_not_retried()
    {
        await using var h = await ServiceHarness.StartInMemoryAsync(TwoTenants());
        h.Simulator.State.AddFault(new FaultRule { Kind = FaultKind.Permission, NodeId = AlphaWaba });

        await h.PublishAsync(WabaCheck());
        var rejected = await h.WaitForAsync<HealthCheckRejected>(_ => true);

        Assert.Equal(RejectionReasons.UpstreamRejected, rejected.Reason);
        Assert.Equal(200, rejected.UpstreamErrorCode);
        Assert.Equal(1, h.GraphCallsFor(AlphaWaba));
    }

    [Fact]
    public async Task Meta_throttling_past_the_park_limit_is_rejected_as_throttled_and_pauses_that_waba_only()
    {
        await using var h = await ServiceHarness.StartInMemoryAsync(TwoTenants(), new Dictionary<string, string?> { ["Budget:MaxParkTime"] = "00:01:00" });
        h.Simulator.State.AddFault(new FaultRule { Kind = FaultKind.Throttle, NodeId = AlphaWaba, Code = 80007, RegainAccessMinutes = 5, Times = 1 });

        await h.PublishAsync(WabaCheck());
        var throttled = await h.WaitForAsync<HealthCheckRejected>(_ => true);
        await h.PublishAsync(WabaCheck());
        await h.PublishAsync(WabaCheck(tenant: "beta", waba: BetaWaba));
        await h.WaitForAsync<HealthCheckCompleted>(c => c.CustSpaceId == "beta");
        await Eventually.TrueAsync(() => h.PublishedNow<HealthCheckRejected>().Count == 2, TimeSpan.FromSeconds(30), "the paused WABA's second rejection");

        Assert.Equal(RejectionReasons.Throttled, throttled.Reason);
        Assert.Equal(80007, throttled.UpstreamErrorCode);
        Assert.InRange(throttled.RetryAfter!.Value, TimeSpan.FromMinutes(4.9), TimeSpan.FromMinutes(5));
        Assert.Equal(1, h.GraphCallsFor(AlphaWaba));
    }

    [Fact]
    public async Task Meta_throttling_within_the_park_limit_parks_the_check_until_metas_time_and_then_answers_it()
    {
        await using var h = await ServiceHarness.StartInMemoryAsync(TwoTenants());
        h.Simulator.State.AddFault(new FaultRule { Kind = FaultKind.Throttle, NodeId = AlphaWaba, Code = 80007, RegainAccessMinutes = 0.05, Times = 1 });

        await h.PublishAsync(WabaCheck());
        var completed = await h.WaitForAsync<HealthCheckCompleted>(_ => true);

        Assert.Empty(h.PublishedNow<HealthCheckRejected>());
        Assert.False(completed.FromCache);
        var calls = h.Simulator.State.Calls.Where(c => c.Path.Contains(AlphaWaba, StringComparison.Ordinal)).OrderBy(c => c.At).ToList();
        Assert.Equal(2, calls.Count);
        // Meta said 3 s: the parked check did not come back before that.
        Assert.True(calls[1].At - calls[0].At >= TimeSpan.FromSeconds(2.9), $"called again after {calls[1].At - calls[0].At}");
    }

    [Fact]
    public async Task A_redelivered_request_never_produces_a_second_event_with_a_new_version()
    {
        await using var h = await ServiceHarness.StartInMemoryAsync(TwoTenants());
        var id = NewId.NextGuid();
        var request = WabaCheck();

        await h.Bus.Publish(request, c => c.MessageId = id, TestContext.Current.CancellationToken);
        await h.WaitForAsync<HealthCheckCompleted>(c => c.NodeId == AlphaWaba);
        await h.Bus.Publish(request, c => c.MessageId = id, TestContext.Current.CancellationToken);
        await Eventually.TrueAsync(() => h.PublishedNow<HealthCheckCompleted>().Count == 2, TimeSpan.FromSeconds(30), "the replayed check");

        var change = Assert.Single(h.PublishedNow<HealthStatusChanged>());
        Assert.Equal(1, change.Version);
    }
}
