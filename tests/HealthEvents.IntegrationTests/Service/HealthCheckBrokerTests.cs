using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using HealthEvents.Contracts;
using HealthEvents.Core.Telemetry;
using HealthEvents.GraphSimulator.Scenarios;
using HealthEvents.IntegrationTests.Support;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
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

    [Fact]
    public async Task A_check_of_a_tenant_whose_shard_this_instance_owns_runs_here_instead_of_going_round_the_shards_again()
    {
        // A rate no check here comes near: a tenant with a backlog is forwarded, and that is not what this test is about.
        await using var h = await ServiceHarness.StartAsync(TwoTenants(), new Dictionary<string, string?> { ["Tenants:Defaults:RequestsPerSecond"] = "1000" });
        var routed = new ConcurrentQueue<string?>();
        using var meters = RoutedPaths(h.Services.GetRequiredService<IMeterFactory>(), routed);

        // Unknown tenant: forwarded to its shard, which this (only) instance then receives and so owns.
        await h.PublishAsync(WabaCheck());
        await h.WaitForAsync<HealthCheckCompleted>(c => c.CustSpaceId == "alpha");
        await h.PublishAsync(WabaCheck());
        await Eventually.TrueAsync(() => h.PublishedNow<HealthCheckCompleted>(c => c.CustSpaceId == "alpha").Count == 2, TimeSpan.FromSeconds(30), "the second check to complete");
        // Another tenant is not owned just because a shard is: its first check is forwarded too.
        await h.PublishAsync(WabaCheck(tenant: "beta", waba: BetaWaba));
        await h.WaitForAsync<HealthCheckCompleted>(c => c.CustSpaceId == "beta");

        Assert.Equal(["forwarded", "local", "forwarded"], routed);
        Assert.Equal(2, h.GraphCallsFor(AlphaWaba));
    }

    /// <summary>The path of every check the router of the service behind <paramref name="factory"/> handles.</summary>
    private static MeterListener RoutedPaths(IMeterFactory factory, ConcurrentQueue<string?> paths)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == factory && instrument.Name == "healthevents.checks.routed")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "path")
                {
                    paths.Enqueue(tag.Value as string);
                }
            }
        });
        listener.Start();
        return listener;
    }
}
