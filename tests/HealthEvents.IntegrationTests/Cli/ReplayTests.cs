using System.Globalization;
using System.Text.Json;
using HealthEvents.Cli.Replay;
using HealthEvents.Contracts;
using HealthEvents.IntegrationTests.Reliability;
using HealthEvents.IntegrationTests.Support;
using MassTransit;
using RabbitMQ.Client;
using static HealthEvents.IntegrationTests.Support.TestScenarios;

namespace HealthEvents.IntegrationTests.Cli;

/// <summary>
/// `healthevents replay` against a running service on RabbitMQ: checks that faulted (the store did
/// not answer) sit in the error queue with MassTransit's fault headers; a dry run moves nothing, a
/// filter moves only what it names, and a full replay empties the queue, each check ending with
/// exactly one answer.
/// </summary>
public class ReplayTests
{
    private const string ErrorQueue = "health-check-requested_error";
    private const string EntryQueue = "health-check-requested";

    [Fact]
    public async Task A_dry_run_moves_nothing_a_filter_moves_only_what_it_names_and_a_replay_answers_each_check_once()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var h = await ServiceHarness.StartAsync(TwoTenants());
        await using var ledger = await OutcomeLedger.StartAsync(h.BrokerAddress, "replay-ledger");
        await using var broker = await BrokerProbe.ConnectAsync(h.BrokerAddress);
        var alphaWaba = await FaultedAsync(broker, WabaCheck(), TimeSpan.FromMinutes(30));
        var alphaTemplate = await FaultedAsync(broker, new HealthCheckRequested { CustSpaceId = "alpha", NodeType = NodeTypes.Template, WabaId = AlphaWaba, TemplateId = AlphaTemplate }, TimeSpan.FromMinutes(1));
        var beta = await FaultedAsync(broker, WabaCheck(tenant: "beta", waba: BetaWaba), TimeSpan.FromMinutes(30));
        await using var connection = await new ConnectionFactory { Uri = h.BrokerAddress }.CreateConnectionAsync(ct);
        var replay = new ErrorQueueReplay(connection, TimeProvider.System);

        var listed = new List<(FaultedMessage Message, bool Match)>();
        var dry = await replay.RunAsync(ErrorQueue, EntryQueue, new ReplayFilter(), dryRun: true, null, (m, match) => listed.Add((m, match)), ct);
        Assert.Equal(new ReplayResult(3, 0, 3, 0), dry);
        Assert.Equal(3, listed.Count(l => l.Match));
        Assert.Contains(listed, l => l.Message is { CustSpaceId: "beta", ExceptionType: "HealthEvents.Storage.StoreUnavailableException" });
        await Eventually.ReturnsAsync(() => broker.MessageCountAsync(ErrorQueue), n => n == 3, TimeSpan.FromSeconds(10), "the dry run to leave everything");

        var onlyBeta = await replay.RunAsync(ErrorQueue, EntryQueue, new ReplayFilter(Tenant: "beta"), dryRun: false, null, null, ct);
        Assert.Equal(new ReplayResult(3, 1, 2, 0), onlyBeta);
        await Verdicts.EveryRequestAnsweredOnceAsync(ledger, [beta], TimeSpan.FromSeconds(30), h.Store);
        Assert.False(ledger.HasOutcome(alphaWaba) || ledger.HasOutcome(alphaTemplate), "the filter moved alpha's checks too");

        var olderOnes = await replay.RunAsync(ErrorQueue, EntryQueue, new ReplayFilter(OlderThan: TimeSpan.FromMinutes(10)), dryRun: false, null, null, ct);
        Assert.Equal(new ReplayResult(2, 1, 1, 0), olderOnes);
        var rest = await replay.RunAsync(ErrorQueue, EntryQueue, new ReplayFilter(Reason: "StoreUnavailable"), dryRun: false, null, null, ct);
        Assert.Equal(new ReplayResult(1, 1, 0, 0), rest);

        await Verdicts.EveryRequestAnsweredOnceAsync(ledger, [alphaWaba, alphaTemplate, beta], TimeSpan.FromSeconds(30), h.Store);
        Assert.Equal("BLOCKED", ledger.Only<HealthCheckCompleted>(alphaTemplate)?.Snapshot.CanSendMessage);
        await Eventually.ReturnsAsync(() => broker.MessageCountAsync(ErrorQueue), n => n == 0, TimeSpan.FromSeconds(10), "an empty error queue");
    }

    /// <summary>A check as MassTransit leaves it in the error queue after the store did not answer, <paramref name="ago"/> ago.</summary>
    private static async Task<Guid> FaultedAsync(BrokerProbe broker, HealthCheckRequested request, TimeSpan ago)
    {
        var id = NewId.NextGuid();
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            messageId = id,
            messageType = RequestMessageType,
            message = new { request.CustSpaceId, request.NodeType, request.WabaId, request.TemplateId, request.RequestedAt },
        }, JsonOptions);
        await broker.PutInQueueAsync(ErrorQueue, body, new Dictionary<string, object?>
        {
            ["MT-Fault-ExceptionType"] = "HealthEvents.Storage.StoreUnavailableException",
            ["MT-Fault-Message"] = "The store did not answer within 15 s.",
            ["MT-Fault-Timestamp"] = (DateTimeOffset.UtcNow - ago).ToString("O", CultureInfo.InvariantCulture),
            ["MT-Reason"] = "fault",
        });
        return id;
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
    private static readonly string[] RequestMessageType = ["urn:message:HealthEvents.Contracts:HealthCheckRequested"];
}
