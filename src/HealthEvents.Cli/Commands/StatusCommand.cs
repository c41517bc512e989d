using System.CommandLine;
using System.Text.Json;
using HealthEvents.Storage;
using Spectre.Console;

namespace HealthEvents.Cli.Commands;

/// <summary>`healthevents status`: the stored snapshots of a tenant, from the store itself (no bus, no Graph call).</summary>
public static class StatusCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create(Option<FileInfo?> config)
    {
        var tenant = new Option<string>("--tenant") { Description = "CustSpaceId.", Required = true };
        var nodeType = new Option<string?>("--node-type") { Description = "Only this node type (waba, phone, template)." };
        var status = new Option<string?>("--status") { Description = "Only this status (AVAILABLE, LIMITED, BLOCKED …)." };
        var max = new Option<int>("--max") { Description = "At most this many nodes.", DefaultValueFactory = _ => 1000 };
        var json = new Option<bool>("--json") { Description = "Print the snapshots as JSON." };
        var command = new Command("status", "The stored health of a tenant's nodes, read from the store.") { tenant, nodeType, status, max, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (await CliStore.OpenAsync(parse.GetValue(config)) is not var (store, owner))
            {
                return 2;
            }

            await using (owner)
            {
                var snapshots = await store.ListSnapshotsAsync(
                    new SnapshotQuery(parse.GetValue(tenant)!, parse.GetValue(nodeType), parse.GetValue(status)?.ToUpperInvariant(), parse.GetValue(max)), cancellationToken);
                if (parse.GetValue(json))
                {
                    Console.WriteLine(JsonSerializer.Serialize(snapshots.Select(s => new { s.Key, s.Identity, s.Version, s.Snapshot }), Json));
                    return 0;
                }

                var table = new Table().AddColumns("Node type", "Node id", "Number / template", "Can send", "Version", "Checked at", "Why");
                foreach (var s in snapshots)
                {
                    var name = s.Identity.PhoneNumber ?? (s.Identity.TemplateCode is { } code ? $"{code} ({s.Identity.Language})" : "");
                    var why = string.Join("; ", s.Snapshot.Entities.SelectMany(e => e.Errors.Select(x => $"{e.EntityType} {x.ErrorCode}").Concat(e.AdditionalInfo.Select(i => $"{e.EntityType} info"))).Distinct());
                    table.AddRow(Markup.Escape(s.Key.NodeType), Markup.Escape(s.Key.NodeId), Markup.Escape(name), Markup.Escape(s.Snapshot.CanSendMessage),
                        s.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), s.Snapshot.CheckedAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(why));
                }

                AnsiConsole.Write(table);
                Console.WriteLine($"{snapshots.Count} node(s).");
                return 0;
            }
        });
        return command;
    }
}
