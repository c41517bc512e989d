using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HealthEvents.Contracts;
using HealthEvents.GraphSimulator.Simulation;
using HealthEvents.IntegrationTests.Support;
using MassTransit;
using static HealthEvents.IntegrationTests.Support.TestScenarios;

namespace HealthEvents.IntegrationTests.Reliability;

/// <summary>
/// The hostile corpus (<c>hostile-corpus.json</c>, kept as data) published raw onto the entry queue,
/// interleaved with valid checks: every request gets exactly one answer of the expected kind, bytes
/// that are not a message sit in the error queue, nothing hostile reaches the Graph API, the valid
/// checks around them all complete with the simulator's status, no budget is exceeded and no token
/// appears anywhere.
/// </summary>
public class HostileCorpusTests
{
    private const string EntryQueue = "health-check-requested";
    private static readonly JsonSerializerOptions CorpusJson = new(JsonSerializerDefaults.Web);
    private static readonly string[] LegitimateNodes = [AlphaWaba, AlphaPhone, AlphaTemplate, BetaWaba, BetaPhone];

    [Fact]
    public async Task Every_hostile_request_is_answered_or_parked_in_the_error_queue_and_nothing_else_is_disturbed()
    {
        var corpus = Corpus();
        Assert.True(corpus.Count(c => c.Expect != "Completed") >= 50, "the corpus holds at least 50 hostile cases");
        await using var h = await ServiceHarness.StartAsync(TwoTenants());
        await using var ledger = await OutcomeLedger.StartAsync(h.BrokerAddress, "hostile-corpus-ledger");
        await using var broker = await BrokerProbe.ConnectAsync(h.BrokerAddress);

        var hostile = new List<(CorpusCase Case, Guid Id)>();
        var valid = new List<(HealthCheckRequested Request, Guid Id)>();
        foreach (var (item, i) in corpus.Select((c, i) => (c, i)))
        {
            var id = NewId.NextGuid();
            hostile.Add((item, id));
            var body = item.Body(id);
            await broker.PublishRawAsync(EntryQueue, body, item.ContentType ?? "application/vnd.masstransit+json");
            if (item.SendTwice)
            {
                await broker.PublishRawAsync(EntryQueue, body, item.ContentType ?? "application/vnd.masstransit+json");
            }

            var request = (i % 4) switch
            {
                0 => WabaCheck(),
                1 => WabaCheck(tenant: "beta", waba: BetaWaba),
                2 => new HealthCheckRequested { CustSpaceId = "alpha", NodeType = NodeTypes.Phone, WabaId = AlphaWaba, PhoneNumber = AlphaPhoneDisplay },
                _ => new HealthCheckRequested { CustSpaceId = "alpha", NodeType = NodeTypes.Template, WabaId = AlphaWaba, TemplateId = AlphaTemplate },
            };
            var validId = NewId.NextGuid();
            valid.Add((request, validId));
            await ledger.Bus.Publish(request, c => c.MessageId = validId, TestContext.Current.CancellationToken);
        }

        var toErrorQueue = hostile.Count(x => x.Case.Expect == "ErrorQueue");
        var answerable = hostile.Where(x => x.Case.Expect != "ErrorQueue").Select(x => x.Id).Concat(valid.Select(v => v.Id)).ToList();
        await Eventually.TrueAsync(() => answerable.All(ledger.HasOutcome), TimeSpan.FromSeconds(60),
            () => "every request to be answered; unanswered: " + string.Join(", ", hostile.Where(x => x.Case.Expect != "ErrorQueue" && !ledger.HasOutcome(x.Id)).Select(x => x.Case.Name)));
        await Eventually.ReturnsAsync(() => broker.MessageCountAsync(EntryQueue + "_error"), n => n == toErrorQueue, TimeSpan.FromSeconds(30), $"{toErrorQueue} non-messages in the error queue");

        foreach (var (item, id) in hostile.Where(x => x.Case.Expect is not ("ErrorQueue" or "Completed")))
        {
            var rejected = ledger.Only<HealthCheckRejected>(id);
            Assert.True(rejected is not null, $"'{item.Name}' was answered with {string.Join(", ", ledger.OutcomesOf(id).Select(o => o.GetType().Name))}");
            Assert.True(item.Expect == rejected.Reason, $"'{item.Name}': expected {item.Expect}, got {rejected.Reason} ({rejected.Detail})");
        }

        foreach (var (item, id) in hostile.Where(x => x.Case.Expect == "ErrorQueue"))
        {
            Assert.False(ledger.HasOutcome(id), $"'{item.Name}' is not a message and must not be answered");
        }

        foreach (var (item, id) in hostile.Where(x => x.Case.Expect == "Completed"))
        {
            Assert.True(ledger.Only<HealthCheckCompleted>(id) is not null,
                $"'{item.Name}' must complete, and was answered with {string.Join(", ", ledger.OutcomesOf(id).Select(o => o is HealthCheckRejected r ? $"{r.Reason} ({r.Detail})" : o.GetType().Name))}");
        }

        await Verdicts.NoneAnsweredTwiceAsync(ledger, h.Store);
        foreach (var (request, id) in valid)
        {
            var completed = ledger.Only<HealthCheckCompleted>(id);
            Assert.NotNull(completed);
            Assert.Equal(ExpectedStatus(completed.NodeId), completed.Snapshot.CanSendMessage);
            var stored = await h.Store.GetAsync(new(completed.CustSpaceId, completed.NodeType, completed.NodeId), TestContext.Current.CancellationToken);
            Assert.Equal(ExpectedStatus(completed.NodeId), stored!.Snapshot.CanSendMessage);
        }

        var calls = h.Simulator.State.Calls.ToList();
        Assert.All(calls, call => Assert.Contains(NodeOf(call), LegitimateNodes));
        Assert.All(calls, call => Assert.DoesNotContain("access_token", call.Path, StringComparison.OrdinalIgnoreCase));
        Assert.All(CallWindows.MostInAnyWindowByToken(calls, TimeSpan.FromSeconds(1)), most => Assert.True(most.Value <= 5, $"{most.Key}: {most.Value} calls in one second"));
        await AssertNoTokenAnywhereAsync(h, broker);
        Verdicts.Report("Hostile corpus", $"{hostile.Count} hostile messages ({toErrorQueue} not messages at all)", hostile.Count + valid.Count, ledger, toErrorQueue, h.Simulator.State, null);
    }

    private static string ExpectedStatus(string nodeId) => nodeId switch
    {
        AlphaPhone => "LIMITED",
        AlphaTemplate => "BLOCKED",
        _ => "AVAILABLE",
    };

    /// <summary>The node a Graph call was about: the first path segment after the version.</summary>
    private static string NodeOf(SimulatedCall call) => call.Path.Split('?')[0].Split('/', StringSplitOptions.RemoveEmptyEntries)[1];

    private static async Task AssertNoTokenAnywhereAsync(ServiceHarness h, BrokerProbe broker)
    {
        var published = h.PublishedNow<object>().Select(m => JsonSerializer.Serialize(m, m.GetType()));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var stored = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(h.DatabasePath, TestContext.Current.CancellationToken));
        var errorQueue = await broker.PeekAllAsync(EntryQueue + "_error");
        var everything = h.Logs.Lines.Concat(published).Append(stored).Concat(errorQueue).ToList();
        foreach (var token in new[] { AlphaToken, BetaToken })
        {
            Assert.DoesNotContain(everything, text => text.Contains(token, StringComparison.Ordinal));
        }
    }

    private static List<CorpusCase> Corpus()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Reliability", "hostile-corpus.json");
        return JsonSerializer.Deserialize<List<CorpusCase>>(File.ReadAllText(path), CorpusJson)!;
    }

    /// <summary>One corpus entry: raw bytes, or a message wrapped in a normal envelope (optionally with a huge field).</summary>
    public sealed record CorpusCase
    {
        public required string Name { get; init; }

        /// <summary>ErrorQueue, Completed, or the expected rejection reason.</summary>
        public required string Expect { get; init; }

        public string? Raw { get; init; }

        public string? RawBase64 { get; init; }

        public string? ContentType { get; init; }

        public JsonNode? Message { get; init; }

        public BigField? BigField { get; init; }

        public bool SendTwice { get; init; }

        public byte[] Body(Guid messageId)
        {
            if (RawBase64 is not null)
            {
                return Convert.FromBase64String(RawBase64);
            }

            if (Raw is not null)
            {
                return Encoding.UTF8.GetBytes(Raw);
            }

            var message = Message?.DeepClone();
            if (BigField is { } big && message is JsonObject fields)
            {
                fields[big.Name] = new string('x', big.Bytes);
            }

            return JsonSerializer.SerializeToUtf8Bytes(new JsonObject
            {
                ["messageId"] = messageId,
                ["messageType"] = new JsonArray("urn:message:HealthEvents.Contracts:HealthCheckRequested"),
                ["message"] = message,
            });
        }
    }

    public sealed record BigField(string Name, int Bytes);
}
