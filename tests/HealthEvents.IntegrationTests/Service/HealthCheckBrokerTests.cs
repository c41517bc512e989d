using HealthEvents.Contracts;
using HealthEvents.GraphSimulator.Scenarios;
using HealthEvents.IntegrationTests.Support;
using MassTransit;
using static HealthEvents.IntegrationTests.Support.TestScenarios;

namespace HealthEvents.IntegrationTests.Service;

/// <summary>The check consumer where only a real RabbitMQ broker shows it: queue topology and the error queue.</summary>
public class HealthCheckBrokerTests
{
    [Fact]
    public async Task Persistent_upstream_failures_are_tried_again_while_parked_then_answered_as_upstream_unavailable()
    {
        await using var h = await ServiceHarness.StartAsync(TwoTenants(), new Dictionary<string, string?> { ["HealthChecks:UpstreamDeadline"] = "00:00:03" });
        h.Simulator.State.AddFault(new FaultRule { Kind = FaultKind.ServerError, NodeId = AlphaWaba });

        await h.PublishAsync(WabaCheck());
        await h.PublishAsync(WabaCheck(tenant: "beta", waba: BetaWaba));

        var rejected = await h.WaitForAsync<HealthCheckRejected>(r => r.Request.CustSpaceId == "alpha");
        await h.WaitForAsync<HealthCheckCompleted>(c => c.CustSpaceId == "beta");
        Assert.Equal(RejectionReasons.UpstreamUnavailable, rejected.Reason);
        Assert.NotNull(rejected.RetryAfter);
        // Each try is (1 + GraphApi:MaxRetryAttempts 1) HTTP attempts; the check was tried more than once before the deadline.
        Assert.True(h.GraphCallsFor(AlphaWaba) >= 4, $"{h.GraphCallsFor(AlphaWaba)} Graph calls");
        Assert.Empty(h.PublishedNow<Fault<HealthCheckRequested>>());
        await using var broker = await BrokerProbe.ConnectAsync(h.BrokerAddress);
        Assert.True(await broker.MessageCountAsync("health-check-requested_error") <= 0, "nothing in the error queue");
        Assert.Single(h.PublishedNow<HealthCheckRejected>(), r => r.Request.CustSpaceId == "alpha");
    }

    [Fact]
    public async Task Publish_send_and_request_client_all_reach_the_consumer()
    {
        await using var h = await ServiceHarness.StartAsync(TwoTenants());
        var ct = TestContext.Current.CancellationToken;

        var endpoint = await h.Bus.GetSendEndpoint(new Uri("queue:health-check-requested"));
        await endpoint.Send(WabaCheck(tenant: "beta", waba: BetaWaba), ct);
        await h.WaitForAsync<HealthCheckCompleted>(c => c.CustSpaceId == "beta");

        var client = h.Bus.CreateRequestClient<HealthCheckRequested>(new Uri("queue:health-check-requested"));
        var ok = await client.GetResponse<HealthCheckCompleted, HealthCheckRejected>(WabaCheck(), ct);
        var bad = await client.GetResponse<HealthCheckCompleted, HealthCheckRejected>(WabaCheck(waba: BetaWaba), ct);

        Assert.True(ok.Is(out Response<HealthCheckCompleted>? completed));
        Assert.Equal(AlphaWaba, completed.Message.NodeId);
        Assert.True(bad.Is(out Response<HealthCheckRejected>? rejected));
        Assert.Equal(RejectionReasons.AccessDenied, rejected.Message.Reason);
    }
}
