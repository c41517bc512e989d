using HealthEvents.Graph.Throttling;
using HealthEvents.Contracts;
using HealthEvents.Domain.Tenants;
using HealthEvents.Graph;
using HealthEvents.Graph.Errors;
using HealthEvents.GraphSimulator.Scenarios;
using HealthEvents.IntegrationTests.Support;
using static HealthEvents.IntegrationTests.Support.TestScenarios;

namespace HealthEvents.IntegrationTests.Graph;

public class GraphApiClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Phone_number_health_has_the_phone_its_waba_business_and_app_with_additional_info()
    {
        await using var h = await GraphClientHarness.StartAsync(TwoTenants());

        var snapshot = (await h.Client.GetHealthStatusAsync(AlphaPhone, NodeTypes.Phone, GraphClientHarness.Alpha, Ct)).Answer();

        Assert.Equal(MessagingStatus.Limited, snapshot.CanSendMessage);
        Assert.Equal(MessagingStatus.Limited, snapshot.ReportedCanSendMessage);
        Assert.Equal(["PHONE_NUMBER", "WABA", "BUSINESS", "APP"], snapshot.Entities.Select(e => e.EntityType));
        var phone = snapshot.Entities[0];
        Assert.Equal(AlphaPhone, phone.Id);
        Assert.StartsWith("Your display name has not been approved yet.", Assert.Single(phone.AdditionalInfo), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Template_health_carries_the_blocking_error_with_its_code_as_text()
    {
        await using var h = await GraphClientHarness.StartAsync(TwoTenants());

        var snapshot = (await h.Client.GetHealthStatusAsync(AlphaTemplate, NodeTypes.Template, GraphClientHarness.Alpha, Ct)).Answer();

        Assert.Equal(MessagingStatus.Blocked, snapshot.CanSendMessage);
        var error = Assert.Single(snapshot.Entities.Single(e => e.EntityType == "MESSAGE_TEMPLATE").Errors);
        Assert.Equal("141002", error.ErrorCode);
        Assert.Equal("Edit or appeal the message template review decision.", error.PossibleSolution);
    }

    [Fact]
    public async Task Waba_health_has_waba_business_and_app()
    {
        await using var h = await GraphClientHarness.StartAsync(TwoTenants());

        var snapshot = (await h.Client.GetHealthStatusAsync(AlphaWaba, NodeTypes.Waba, GraphClientHarness.Alpha, Ct)).Answer();

        Assert.Equal(["WABA", "BUSINESS", "APP"], snapshot.Entities.Select(e => e.EntityType));
        Assert.Equal(MessagingStatus.Available, snapshot.CanSendMessage);
    }

    [Fact]
    public async Task A_phone_check_reads_quality_limit_throughput_and_statuses_in_the_same_one_call()
    {
        var scenario = TwoTenants();
        scenario.Health[AlphaPhone] = scenario.Health[AlphaPhone] with { Fields = new() { ["quality_rating"] = "YELLOW", ["whatsapp_business_manager_messaging_limit"] = "TIER_2K", ["throughput"] = "HIGH" } };
        await using var h = await GraphClientHarness.StartAsync(scenario);

        var snapshot = (await h.Client.GetHealthStatusAsync(AlphaPhone, NodeTypes.Phone, GraphClientHarness.Alpha, Ct)).Answer();

        var readiness = Assert.IsType<Readiness>(snapshot.Readiness);
        Assert.Equal(("YELLOW", "TIER_2K", "HIGH", "CONNECTED", "APPROVED", "VERIFIED"),
            (readiness.QualityRating, readiness.MessagingLimit, readiness.ThroughputLevel, readiness.PhoneStatus, readiness.NameStatus, readiness.CodeVerificationStatus));
        Assert.Null(readiness.TemplateStatus);
        Assert.Empty(readiness.Unknown);
        var call = Assert.Single(h.Simulator.State.Calls);
        Assert.Contains("fields=health_status,quality_rating,whatsapp_business_manager_messaging_limit,throughput,status,name_status,code_verification_status", call.Path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_template_check_reads_status_quality_score_category_and_rejected_reason()
    {
        await using var h = await GraphClientHarness.StartAsync(TwoTenants());

        var snapshot = (await h.Client.GetHealthStatusAsync(AlphaTemplate, NodeTypes.Template, GraphClientHarness.Alpha, Ct)).Answer();

        var readiness = Assert.IsType<Readiness>(snapshot.Readiness);
        Assert.Equal(("PENDING", "GREEN", "UTILITY", "NONE"), (readiness.TemplateStatus, readiness.TemplateQuality, readiness.TemplateCategory, readiness.TemplateRejectedReason));
        Assert.Null(readiness.QualityRating);
        Assert.Single(h.Simulator.State.Calls);
    }

    [Fact]
    public async Task A_field_meta_does_not_know_is_dropped_once_and_reads_as_unknown_while_the_check_still_answers()
    {
        var scenario = TwoTenants();
        scenario.UnknownFields = ["quality_score"];
        var logs = new CapturingLoggerProvider();
        await using var h = await GraphClientHarness.StartAsync(scenario, logging: logs);

        var first = (await h.Client.GetHealthStatusAsync(AlphaTemplate, NodeTypes.Template, GraphClientHarness.Alpha, Ct)).Answer();
        var second = (await h.Client.GetHealthStatusAsync(AlphaTemplate, NodeTypes.Template, GraphClientHarness.Alpha, Ct)).Answer();

        foreach (var snapshot in new[] { first, second })
        {
            Assert.Equal(MessagingStatus.Blocked, snapshot.CanSendMessage);
            Assert.Equal("PENDING", snapshot.Readiness!.TemplateStatus);
            Assert.Null(snapshot.Readiness.TemplateQuality);
            Assert.Equal([nameof(Readiness.TemplateQuality)], snapshot.Readiness.Unknown);
        }

        // The refusal, the same call without the field, then only calls without it.
        var calls = h.Simulator.State.Calls.Select(c => c.Path).ToList();
        Assert.Equal(3, calls.Count);
        Assert.Contains("quality_score", calls[0], StringComparison.Ordinal);
        Assert.All(calls.Skip(1), path => Assert.DoesNotContain("quality_score", path, StringComparison.Ordinal));
        Assert.Single(logs.Lines, line => line.Contains(nameof(ReadinessFields), StringComparison.Ordinal) && line.Contains("quality_score", StringComparison.Ordinal));

        // Other node types still ask for everything of theirs.
        var phone = (await h.Client.GetHealthStatusAsync(AlphaPhone, NodeTypes.Phone, GraphClientHarness.Alpha, Ct)).Answer();
        Assert.Equal("GREEN", phone.Readiness!.QualityRating);
    }

    [Fact]
    public async Task Phone_numbers_are_read_across_pages_by_cursor()
    {
        await using var h = await GraphClientHarness.StartAsync(TwoTenants(extraPhones: 59));

        var phones = (await h.Client.ListPhoneNumbersAsync(AlphaWaba, GraphClientHarness.Alpha, Ct)).Answer();

        Assert.Equal(60, phones.Count);
        Assert.Equal(60, phones.Select(p => p.Id).Distinct().Count());
        Assert.Equal(3, h.Simulator.State.Calls.Count);
        Assert.Contains(h.Simulator.State.Calls, c => c.Path.Contains("&after=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Templates_are_filtered_by_name_on_metas_side()
    {
        await using var h = await GraphClientHarness.StartAsync(TwoTenants());

        var templates = (await h.Client.ListMessageTemplatesAsync(AlphaWaba, "order_update", GraphClientHarness.Alpha, Ct)).Answer();

        Assert.Equal(["en", "es"], templates.Select(t => t.Language).Order());
        Assert.Contains("name=order_update", Assert.Single(h.Simulator.State.Calls).Path, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../me")]
    [InlineData("123?fields=access_token")]
    [InlineData("12 3")]
    [InlineData("")]
    public async Task A_node_id_that_is_not_a_graph_id_never_reaches_the_network(string id)
    {
        await using var h = await GraphClientHarness.StartAsync(TwoTenants());

        await Assert.ThrowsAsync<ArgumentException>(() => h.Client.GetHealthStatusAsync(id, NodeTypes.Waba, GraphClientHarness.Alpha, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => h.Client.ListPhoneNumbersAsync(id, GraphClientHarness.Alpha, Ct));
        Assert.Empty(h.Simulator.State.Calls);
    }

    [Fact]
    public async Task A_template_name_cannot_change_the_query()
    {
        await using var h = await GraphClientHarness.StartAsync(TwoTenants());

        var templates = (await h.Client.ListMessageTemplatesAsync(AlphaWaba, "x&fields=access_token", GraphClientHarness.Alpha, Ct)).Answer();

        Assert.Empty(templates);
        Assert.Contains("name=x%26fields%3Daccess_token", Assert.Single(h.Simulator.State.Calls).Path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_token_is_permanent_and_not_retried()
    {
        await using var h = await GraphClientHarness.StartAsync(TwoTenants());
        var stranger = new GraphCaller("cs-x", AlphaWaba, new AccessToken("wrong-token-abc123"));

        var ex = await Assert.ThrowsAsync<GraphPermanentException>(() => h.Client.GetHealthStatusAsync(AlphaWaba, NodeTypes.Waba, stranger, Ct));

        Assert.Equal(GraphPermanentReason.InvalidToken, ex.Reason);
        Assert.Equal(190, ex.Details.Code);
        Assert.Single(h.Simulator.State.Calls);
        Assert.DoesNotContain("wrong-token-abc123", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_of_another_waba_is_a_permission_error_and_not_retried()
    {
        await using var h = await GraphClientHarness.StartAsync(TwoTenants());

        var ex = await Assert.ThrowsAsync<GraphPermanentException>(() => h.Client.GetHealthStatusAsync(BetaPhone, NodeTypes.Phone, GraphClientHarness.Alpha, Ct));

        Assert.Equal(GraphPermanentReason.PermissionDenied, ex.Reason);
        Assert.Single(h.Simulator.State.Calls);
    }

    [Fact]
    public async Task An_unknown_id_is_permanent_and_not_retried()
    {
        await using var h = await GraphClientHarness.StartAsync(TwoTenants());

        var ex = await Assert.ThrowsAsync<GraphPermanentException>(() => h.Client.GetHealthStatusAsync("999999", NodeTypes.Waba, GraphClientHarness.Alpha, Ct));

        Assert.Equal(GraphPermanentReason.UnknownNode, ex.Reason);
        Assert.Equal(33, ex.Details.Subcode);
        Assert.Single(h.Simulator.State.Calls);
    }

    [Theory]
    [InlineData(FaultKind.ServerError)]
    [InlineData(FaultKind.MalformedJson)]
    [InlineData(FaultKind.Timeout)]
    public async Task Transient_failures_are_retried_through_the_gate_until_they_pass(FaultKind kind)
    {
        var gate = new RecordingGate();
        await using var h = await GraphClientHarness.StartAsync(TwoTenants(), gate);
        h.Simulator.State.AddFault(new FaultRule { Kind = kind, NodeId = AlphaWaba, Times = 2, DelayMs = 5_000 });

        var snapshot = (await h.Client.GetHealthStatusAsync(AlphaWaba, NodeTypes.Waba, GraphClientHarness.Alpha, Ct)).Answer();

        Assert.Equal(MessagingStatus.Available, snapshot.CanSendMessage);
        Assert.Equal(3, gate.Entries);
        Assert.Equal(3, h.Simulator.State.Calls.Count(c => c.Outcome != "fault:timeout-ended"));
    }

    [Fact]
    public async Task A_deferral_from_the_gate_is_returned_as_it_is_without_a_call_or_a_retry()
    {
        var deferral = new CallDeferral(DateTimeOffset.UtcNow.AddMinutes(5), WaitReason.WabaHourly);
        var gate = new RecordingGate { AdmitFirst = 0, Defer = deferral };
        await using var h = await GraphClientHarness.StartAsync(TwoTenants(), gate);

        var answer = await h.Client.GetHealthStatusAsync(AlphaWaba, NodeTypes.Waba, GraphClientHarness.Alpha, Ct);

        Assert.Equal(new GraphAnswer<HealthSnapshot>.Deferred(deferral), answer);
        Assert.Equal(1, gate.Entries);
        Assert.Empty(h.Simulator.State.Calls);
    }

    [Fact]
    public async Task A_deferral_on_a_later_page_is_the_listings_deferral()
    {
        var deferral = new CallDeferral(DateTimeOffset.UtcNow.AddSeconds(30), WaitReason.MetaPausedWaba);
        var gate = new RecordingGate { AdmitFirst = 1, Defer = deferral };
        await using var h = await GraphClientHarness.StartAsync(TwoTenants(extraPhones: 30), gate);

        var answer = await h.Client.ListPhoneNumbersAsync(AlphaWaba, GraphClientHarness.Alpha, Ct);

        Assert.Equal(new GraphAnswer<IReadOnlyList<GraphPhoneNumber>>.Deferred(deferral), answer);
        Assert.Equal(2, gate.Entries);
        Assert.Single(h.Simulator.State.Calls);
    }

    [Fact]
    public async Task Persistent_server_errors_end_as_transient_after_the_retry_budget()
    {
        await using var h = await GraphClientHarness.StartAsync(TwoTenants());
        h.Simulator.State.AddFault(new FaultRule { Kind = FaultKind.ServerError, NodeId = AlphaWaba });

        var ex = await Assert.ThrowsAsync<GraphTransientException>(() => h.Client.GetHealthStatusAsync(AlphaWaba, NodeTypes.Waba, GraphClientHarness.Alpha, Ct));

        Assert.Equal(500, ex.Details.HttpStatus);
        Assert.Equal(3, h.Simulator.State.Calls.Count);
    }

    [Theory]
    [InlineData(80007, ThrottleScope.Waba)]
    [InlineData(130429, ThrottleScope.Tenant)]
    [InlineData(4, ThrottleScope.App)]
    public async Task Throttling_is_surfaced_with_metas_retry_after_and_scope_not_retried_and_reported_to_the_gate(int code, ThrottleScope scope)
    {
        var gate = new RecordingGate();
        await using var h = await GraphClientHarness.StartAsync(TwoTenants(), gate);
        h.Simulator.State.AddFault(new FaultRule { Kind = FaultKind.Throttle, NodeId = AlphaWaba, Code = code, RegainAccessMinutes = 3 });

        var ex = await Assert.ThrowsAsync<GraphThrottledException>(() => h.Client.GetHealthStatusAsync(AlphaWaba, NodeTypes.Waba, GraphClientHarness.Alpha, Ct));

        Assert.Equal(TimeSpan.FromMinutes(3), ex.RetryAfter);
        Assert.Equal(scope, ex.Scope);
        Assert.Equal(code, ex.Details.Code);
        Assert.Single(h.Simulator.State.Calls);
        Assert.Contains((GraphClientHarness.Alpha.Scope, new MetaPause(scope, TimeSpan.FromMinutes(3))), gate.Pauses);
    }

    [Fact]
    public async Task Exceeding_the_simulated_waba_rate_is_throttling()
    {
        var scenario = TwoTenants();
        scenario.RateLimits = new RateLimitSettings { PerWabaPerSecond = 2, RegainAccessMinutes = 0.5 };
        await using var h = await GraphClientHarness.StartAsync(scenario);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            try
            {
                await h.Client.GetHealthStatusAsync(AlphaWaba, NodeTypes.Waba, GraphClientHarness.Alpha, Ct);
                return (TimeSpan?)null;
            }
            catch (GraphThrottledException ex)
            {
                return ex.RetryAfter;
            }
        }));

        Assert.Contains(results, r => r == TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task An_open_circuit_fails_fast_as_transient()
    {
        await using var h = await GraphClientHarness.StartAsync(TwoTenants(), settings: new Dictionary<string, string?>
        {
            ["GraphApi:MaxRetryAttempts"] = "0",
            ["GraphApi:CircuitMinimumThroughput"] = "2",
            ["GraphApi:CircuitBreakDuration"] = "00:01:00",
        });
        h.Simulator.State.AddFault(new FaultRule { Kind = FaultKind.ServerError });
        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<GraphTransientException>(() => h.Client.GetHealthStatusAsync(AlphaWaba, NodeTypes.Waba, GraphClientHarness.Alpha, Ct));
        }

        var callsBefore = h.Simulator.State.Calls.Count;
        var ex = await Assert.ThrowsAsync<GraphTransientException>(() => h.Client.GetHealthStatusAsync(AlphaWaba, NodeTypes.Waba, GraphClientHarness.Alpha, Ct));

        Assert.Contains("BrokenCircuit", ex.Message, StringComparison.Ordinal);
        Assert.Equal(callsBefore, h.Simulator.State.Calls.Count);
    }

    [Fact]
    public async Task One_tenants_open_circuit_does_not_stop_another_tenants_calls()
    {
        await using var h = await GraphClientHarness.StartAsync(TwoTenants(), settings: new Dictionary<string, string?>
        {
            ["GraphApi:MaxRetryAttempts"] = "0",
            ["GraphApi:CircuitMinimumThroughput"] = "2",
            ["GraphApi:CircuitBreakDuration"] = "00:01:00",
        });
        var beta = new GraphCaller("cs-beta", BetaWaba, new AccessToken(BetaToken));
        h.Simulator.State.AddFault(new FaultRule { Kind = FaultKind.ServerError, NodeId = AlphaWaba });
        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<GraphTransientException>(() => h.Client.GetHealthStatusAsync(AlphaWaba, NodeTypes.Waba, GraphClientHarness.Alpha, Ct));
        }

        var alphaOpen = await Assert.ThrowsAsync<GraphTransientException>(() => h.Client.GetHealthStatusAsync(AlphaWaba, NodeTypes.Waba, GraphClientHarness.Alpha, Ct));
        var betaHealth = (await h.Client.GetHealthStatusAsync(BetaWaba, NodeTypes.Waba, beta, Ct)).Answer();

        Assert.Contains("BrokenCircuit", alphaOpen.Message, StringComparison.Ordinal);
        Assert.Contains(betaHealth.Entities, e => e.Id == BetaWaba);
    }
}
