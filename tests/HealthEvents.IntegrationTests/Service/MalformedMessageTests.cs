using System.Text;
using System.Text.Json;
using HealthEvents.Contracts;
using HealthEvents.IntegrationTests.Support;
using static HealthEvents.IntegrationTests.Support.TestScenarios;

namespace HealthEvents.IntegrationTests.Service;

/// <summary>Hostile bytes on the queue: they go to the error queue or are rejected, and nothing around them is lost.</summary>
public class MalformedMessageTests
{
    private const string Queue = "health-check-requested";

    private static byte[] Envelope(object message, string messageType = "urn:message:HealthEvents.Contracts:HealthCheckRequested") =>
        JsonSerializer.SerializeToUtf8Bytes(new
        {
            messageId = Guid.NewGuid(),
            messageType = new[] { messageType },
            message,
        });

    private static object ValidWaba(string tenant, string waba) =>
        new { custSpaceId = tenant, nodeType = "waba", wabaId = waba, requestedAt = DateTimeOffset.UtcNow };

    [Fact]
    public async Task Bytes_that_are_not_a_message_land_in_the_error_queue_and_unreadable_requests_are_rejected_while_valid_messages_around_them_are_processed()
    {
        await using var h = await ServiceHarness.StartAsync(TwoTenants());
        await using var broker = await BrokerProbe.ConnectAsync(h.BrokerAddress);

        await broker.PublishRawAsync(Queue, Envelope(ValidWaba("alpha", AlphaWaba)));
        await broker.PublishRawAsync(Queue, Encoding.UTF8.GetBytes("{ this is not json"));
        await broker.PublishRawAsync(Queue, Encoding.UTF8.GetBytes("""{"messageType":["urn:message:HealthEvents.Contracts:HealthCheckRequested"],"message":{"custSpaceId":{"nested":true},"nodeType":7}}"""));
        await broker.PublishRawAsync(Queue, [0xff, 0xfe, 0x00, 0x01], contentType: "application/octet-stream");
        await broker.PublishRawAsync(Queue, Envelope(ValidWaba("beta", BetaWaba)));

        await h.WaitForAsync<HealthCheckCompleted>(c => c.CustSpaceId == "alpha");
        await h.WaitForAsync<HealthCheckCompleted>(c => c.CustSpaceId == "beta");
        var rejected = await h.WaitForAsync<HealthCheckRejected>(_ => true);
        Assert.Equal(RejectionReasons.Invalid, rejected.Reason);
        Assert.Contains("custSpaceId", rejected.Detail, StringComparison.Ordinal);
        Assert.Contains("nodeType", rejected.Detail, StringComparison.Ordinal);
        await Eventually.ReturnsAsync(() => broker.MessageCountAsync(Queue + "_error"), n => n == 2, TimeSpan.FromSeconds(30), "two messages in the error queue");
        Assert.Equal(0, await broker.MessageCountAsync(Queue));
        Assert.Equal(2, h.Simulator.State.Calls.Count);
    }

    [Fact]
    public async Task An_oversized_request_is_rejected_as_invalid_without_a_graph_call()
    {
        await using var h = await ServiceHarness.StartAsync(TwoTenants());
        await using var broker = await BrokerProbe.ConnectAsync(h.BrokerAddress);

        await broker.PublishRawAsync(Queue, Envelope(new
        {
            custSpaceId = "alpha",
            nodeType = "template",
            wabaId = AlphaWaba,
            templateCode = new string('x', 200_000),
            language = "en",
            requestedAt = DateTimeOffset.UtcNow,
        }));
        await broker.PublishRawAsync(Queue, Envelope(ValidWaba("beta", BetaWaba)));

        var rejected = await h.WaitForAsync<HealthCheckRejected>(_ => true);
        await h.WaitForAsync<HealthCheckCompleted>(c => c.CustSpaceId == "beta");
        Assert.Equal(RejectionReasons.Invalid, rejected.Reason);
        Assert.Contains("bytes", rejected.Detail, StringComparison.Ordinal);
        Assert.Single(h.Simulator.State.Calls);
    }
}
