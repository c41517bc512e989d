using System.Collections.Concurrent;
using HealthEvents.Contracts;
using HealthEvents.GraphSimulator;
using HealthEvents.GraphSimulator.Scenarios;
using MassTransit;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Spectre.Console;

namespace HealthEvents.Demo;

/// <summary>
/// The embedded default run: the real service (in-memory transport, SQLite file, HTTP side on a
/// loopback port) against the in-process Graph simulator with the sample scenario. Sends three
/// rounds of checks; the scenario's scripted transitions happen between them and the simulator
/// announces each with a signed Meta webhook, so their change events arrive before the next round
/// asks. Prints checks and change events as they happen, then a summary per tenant and node.
/// With <c>--serve</c> the service stays up afterwards for the dashboard and the API.
/// </summary>
public static class DemoRunner
{
    public const string AdminKey = "demo-admin-key";
    private const string AppSecret = "demo-meta-app-secret";

    public static async Task RunAsync(string[] args)
    {
        var serve = args.Contains("--serve");
        var scenarioPath = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? Path.Combine(AppContext.BaseDirectory, "scenarios", "sample.json");
        var scenario = Scenario.Load(scenarioPath);
        await using var simulator = await GraphSimulatorHost.StartAsync(scenario);
        var database = Path.Combine("data", "demo.db");
        foreach (var file in new[] { database, database + "-wal", database + "-shm" }.Where(File.Exists))
        {
            File.Delete(file);
        }

        var http = new Dictionary<string, string?>
        {
            ["Http:Urls"] = serve ? "http://127.0.0.1:5180" : "http://127.0.0.1:0",
            ["Http:AdminApiKey"] = AdminKey,
            ["Webhooks:Meta:AppSecret"] = AppSecret,
        };
        foreach (var token in scenario.Tokens)
        {
            http[$"Tenants:Spaces:{token.Name}:ApiKey"] = $"demo-key-{token.Name}";
        }

        using var host = ScenarioService.CreateBuilder(ScenarioService.Settings(scenario, simulator.BaseAddress, database, http)).Build();
        await host.StartAsync();
        var address = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        simulator.Webhooks.Subscribe(new WebhookSettings { Url = address + "/webhooks/meta", AppSecret = AppSecret });

        var board = new DemoBoard();
        var bus = host.Services.GetRequiredService<IBus>();
        var observer = bus.ConnectReceiveEndpoint("demo-observer", e =>
        {
            e.Handler<HealthStatusChanged>(c => board.Changed(c.Message));
            e.Handler<HealthCheckCompleted>(board.Completed);
            e.Handler<HealthCheckRejected>(c => board.Rejected(c.Message));
        });
        await observer.Ready;

        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 160;
        }

        AnsiConsole.MarkupLine($"[bold]HealthEvents demo[/]: Graph simulator at {simulator.BaseAddress}, store {database}, in-memory bus");
        AnsiConsole.MarkupLine($"  HTTP API and dashboard at {address} (admin key [bold]{AdminKey}[/], tenant keys demo-key-<CustSpaceId>); Meta webhooks to {address}/webhooks/meta");
        board.Started = DateTimeOffset.UtcNow;
        var rounds = new[] { TimeSpan.Zero, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(7) };
        var sent = 0;
        var started = DateTimeOffset.UtcNow;
        for (var round = 0; round < rounds.Length; round++)
        {
            // The scenario scripts transitions at 4 s and 6 s; each round checks what Meta says then.
            var wait = started + rounds[round] - DateTimeOffset.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            AnsiConsole.MarkupLine($"[grey]— round {round + 1} at +{(DateTimeOffset.UtcNow - started).TotalSeconds:0.0}s —[/]");
            var requests = DemoWorkload.Round(scenario, DateTimeOffset.UtcNow).ToList();
            if (round == 0)
            {
                requests.AddRange(DemoWorkload.BadRequests(scenario, DateTimeOffset.UtcNow));
            }

            foreach (var request in requests)
            {
                var id = NewId.NextGuid();
                board.Asked(id);
                await bus.Publish(request, c => c.MessageId = id);
            }

            sent += requests.Count;
            await board.WaitForAsync(sent, TimeSpan.FromSeconds(60));
        }

        board.PrintSummary(simulator.State.Calls.Count, simulator.Webhooks.Sent.Count);
        if (serve)
        {
            AnsiConsole.MarkupLine($"Serving: dashboard at {address}/ (key {AdminKey}); Ctrl+C to stop.");
            await host.WaitForShutdownAsync();
        }

        await host.StopAsync();
    }

    /// <summary>Collects outcomes as they arrive and prints them.</summary>
    private sealed class DemoBoard
    {
        private readonly ConcurrentDictionary<(string Tenant, string Type, string Node), Row> _rows = new();
        private readonly ConcurrentDictionary<Guid, bool> _asked = new();
        private int _outcomes;
        private int _rejections;
        private int _webhookChecks;

        public DateTimeOffset Started { get; set; }

        public void Asked(Guid messageId) => _asked[messageId] = true;

        public Task Changed(HealthStatusChanged e)
        {
            Row(e.CustSpaceId, e.NodeType, e.NodeId).Changes++;
            var template = e.PreviousReadiness?.TemplateStatus is { } before && before != e.Readiness?.TemplateStatus ? $", template {before} → {e.Readiness?.TemplateStatus}" : "";
            AnsiConsole.MarkupLine($"  [yellow]CHANGED[/]  {Markup.Escape(e.CustSpaceId),-9} {e.NodeType,-8} {e.NodeId,-17} {Markup.Escape(e.Previous ?? "(new)")} → [bold]{Markup.Escape(e.Current)}[/]{Markup.Escape(template)} v{e.Version} at +{(DateTimeOffset.UtcNow - Started).TotalSeconds:0.0}s");
            return Task.CompletedTask;
        }

        public Task Completed(ConsumeContext<HealthCheckCompleted> context)
        {
            var e = context.Message;
            if (context.InitiatorId is not { } asked || !_asked.ContainsKey(asked))
            {
                // Not one of the demo's requests: a re-check Meta's webhook asked for.
                Interlocked.Increment(ref _webhookChecks);
                AnsiConsole.MarkupLine($"  [blue]webhook[/]  {Markup.Escape(e.CustSpaceId),-9} {e.NodeType,-8} {e.NodeId,-17} re-checked after Meta's webhook: {Markup.Escape(e.Snapshot.CanSendMessage)} at +{(DateTimeOffset.UtcNow - Started).TotalSeconds:0.0}s");
                return Task.CompletedTask;
            }

            var row = Row(e.CustSpaceId, e.NodeType, e.NodeId);
            row.Checks++;
            row.Status = e.Snapshot.CanSendMessage;
            row.Version = e.Version;
            row.Name = e.PhoneNumber ?? (e.TemplateCode is null ? "" : $"{e.TemplateCode} ({e.Language})");
            row.Reasons = string.Join(", ", e.Snapshot.Entities
                .Where(x => x.Errors.Count > 0 || x.AdditionalInfo.Count > 0)
                .Select(x => $"{x.EntityType} {string.Join("/", x.Errors.Select(r => r.ErrorCode).DefaultIfEmpty("info"))}"));
            row.Readiness = e.Readiness is not { } r ? ""
                : string.Join(" ", new[] { r.QualityRating, r.MessagingLimit, r.TemplateStatus, r.TemplateQuality is { } q ? "quality " + q : null }.Where(v => v is not null));
            row.Campaign = e.Campaign is not { } c ? ""
                : $"{(c.PlannedRecipients is { } n ? $"{n:N0}: " : "")}{c.Verdict}{(c.Reasons.Count > 0 ? " (" + string.Join(", ", c.Reasons.Select(x => x.Code).Distinct()) + ")" : "")}";
            AnsiConsole.MarkupLine($"  checked  {Markup.Escape(e.CustSpaceId),-9} {e.NodeType,-8} {e.NodeId,-17} {Markup.Escape(e.Snapshot.CanSendMessage)}{(e.FromCache ? " (store)" : "")}; campaign {Markup.Escape(row.Campaign)}");
            Interlocked.Increment(ref _outcomes);
            return Task.CompletedTask;
        }

        public Task Rejected(HealthCheckRejected e)
        {
            Interlocked.Increment(ref _rejections);
            AnsiConsole.MarkupLine($"  [red]REJECTED[/] {Markup.Escape(e.Request.CustSpaceId),-9} {Markup.Escape(e.Request.NodeType),-8} {e.Reason}: {Markup.Escape(e.Detail)}");
            Interlocked.Increment(ref _outcomes);
            return Task.CompletedTask;
        }

        public async Task WaitForAsync(int outcomes, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (Volatile.Read(ref _outcomes) < outcomes && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }

        public void PrintSummary(int graphCalls, int webhooks)
        {
            var table = new Table().Title("Health per tenant and node").Border(TableBorder.Rounded);
            foreach (var column in new[] { "CustSpaceId", "Node type", "Node id", "Number / template", "Can send", "Readiness", "Campaign", "Version", "Checks", "Changes", "Why" })
            {
                table.AddColumn(column);
            }

            foreach (var ((tenant, type, node), row) in _rows.OrderBy(r => r.Key.Tenant, StringComparer.Ordinal).ThenBy(r => r.Key.Type, StringComparer.Ordinal).ThenBy(r => r.Key.Node, StringComparer.Ordinal))
            {
                var colour = row.Status switch { "AVAILABLE" => "green", "LIMITED" => "yellow", _ => "red" };
                table.AddRow(Markup.Escape(tenant), type, node, Markup.Escape(row.Name), $"[{colour}]{Markup.Escape(row.Status)}[/]",
                    Markup.Escape(row.Readiness), Markup.Escape(row.Campaign), row.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), row.Checks.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    row.Changes.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(row.Reasons));
            }

            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"{_outcomes - _rejections} checks completed, {_rejections} rejected, {_rows.Values.Sum(r => r.Changes)} change events, {graphCalls} Graph calls, {webhooks} Meta webhooks ({_webhookChecks} re-checks).");
        }

        private Row Row(string tenant, string type, string node) => _rows.GetOrAdd((tenant, type, node), _ => new Row());
    }

    private sealed class Row
    {
        public string Name { get; set; } = "";

        public string Status { get; set; } = "";

        public string Reasons { get; set; } = "";

        public string Readiness { get; set; } = "";

        public string Campaign { get; set; } = "";

        public long Version { get; set; }

        public int Checks { get; set; }

        public int Changes { get; set; }
    }
}
