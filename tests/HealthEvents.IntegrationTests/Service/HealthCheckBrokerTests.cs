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
    public async Task Persistent_upstream_failures_are_retried_then_land_in_the_error_queue()
    {
        await using var h = await ServiceHarness.StartAsync(TwoTenants());
        h.Simulator.State.AddFault(new FaultRule { Kind = FaultKind.ServerError, NodeId = AlphaWaba });

        await h.PublishAsync(WabaCheck());
        await h.PublishAsync(WabaCheck(tenant: "beta", waba: BetaWaba));

        await h.WaitForAsync<Fault<HealthCheckRequested>>(_ => true);
        await h.WaitForAsync<HealthCheckCompleted>(c => c.CustSpaceId == "beta");
        await using var broker = await BrokerProbe.ConnectAsync(h.BrokerAddress);
        await Eventually.ReturnsAsync(() => broker.MessageCountAsync("health-check-requested_error"), n => n == 1, TimeSpan.FromSeconds(30), "the error queue");
        // (1 + Bus:RetryLimit 2) deliveries x (1 + GraphApi:MaxRetryAttempts 1) HTTP attempts.
        Assert.Equal(6, h.GraphCallsFor(AlphaWaba));
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
