using System.CommandLine;
using System.Text.Json;
using HealthEvents.Contracts;
using HealthEvents.Core.Bus;
using HealthEvents.Core.HealthChecks;
using MassTransit;
using Spectre.Console;

namespace HealthEvents.Cli.Commands;

/// <summary>
/// `healthevents check`: sends a check through the bus as a request, waits for the answer and prints
/// it. The exit code is the answer, so a shell script can gate a campaign on it.
/// </summary>
public static class CheckCommand
{
    public const int Available = 0;
    public const int Limited = 10;
    public const int Blocked = 11;
    public const int OtherStatus = 12;
    public const int CampaignHold = 13;
    public const int CampaignStop = 14;
    public const int Rejected = 20;
    public const int NoAnswer = 4;
    public const int BrokerUnreachable = 3;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create(Option<FileInfo?> config)
    {
        var tenant = new Option<string>("--tenant") { Description = "CustSpaceId.", Required = true };
        var nodeType = new Option<string>("--node-type") { Description = "waba, phone or template.", Required = true };
        var waba = new Option<string?>("--waba-id") { Description = "The WABA (always required)." };
        var phoneNumber = new Option<string?>("--phone-number") { Description = "A phone's display number." };
        var phoneNumberId = new Option<string?>("--phone-number-id") { Description = "A phone's Graph id." };
        var templateCode = new Option<string?>("--template-code") { Description = "A template's name (with --language)." };
        var templateId = new Option<string?>("--template-id") { Description = "A template's Graph id." };
        var language = new Option<string?>("--language") { Description = "A template's language, e.g. en or pt_BR." };
        var maxAge = new Option<TimeSpan?>("--max-age") { Description = "Accept a stored answer this young (e.g. 00:05:00)." };
        var planned = new Option<int?>("--planned-recipients")
        {
            Description = $"The campaign's size: the exit code is then the campaign verdict ({Available} Go, {CampaignHold} Hold, {CampaignStop} Stop).",
        };
        var timeout = new Option<TimeSpan>("--timeout") { Description = "How long to wait for the answer.", DefaultValueFactory = _ => TimeSpan.FromMinutes(1) };
        var json = new Option<bool>("--json") { Description = "Print the answer as JSON." };
        var broker = new Option<string?>("--broker") { Description = "The broker, amqp://user:password@host:port/vhost (default: Bus:RabbitMqUri)." };
        var command = new Command("check", $"Check a node now and print the answer. Exit code: {Available} AVAILABLE, {Limited} LIMITED, {Blocked} BLOCKED, {OtherStatus} another status; with --planned-recipients {Available} Go, {CampaignHold} Hold, {CampaignStop} Stop; {Rejected} rejected, {NoAnswer} no answer in time, {BrokerUnreachable} broker unreachable.")
        {
            tenant, nodeType, waba, phoneNumber, phoneNumberId, templateCode, templateId, language, maxAge, planned, timeout, json, broker,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var bus = CliBroker.Bus(parse.GetValue(config));
            if (CliBroker.Address(bus, parse.GetValue(broker)) is not { } address)
            {
                return 2;
            }

            var request = new HealthCheckRequested
            {
                CustSpaceId = parse.GetValue(tenant)!,
                NodeType = parse.GetValue(nodeType)!,
                WabaId = parse.GetValue(waba),
                PhoneNumber = parse.GetValue(phoneNumber),
                PhoneNumberId = parse.GetValue(phoneNumberId),
                TemplateCode = parse.GetValue(templateCode),
                TemplateId = parse.GetValue(templateId),
                Language = parse.GetValue(language),
                MaxAge = parse.GetValue(maxAge),
                PlannedRecipients = parse.GetValue(planned),
                RequestedAt = DateTimeOffset.UtcNow,
            };
            return await AskAsync(address, bus, request, parse.GetValue(timeout), parse.GetValue(json), cancellationToken);
        });
        return command;
    }

    private static async Task<int> AskAsync(Uri address, BusOptions options, HealthCheckRequested request, TimeSpan timeout, bool json, CancellationToken cancellationToken)
    {
        if (await CliBroker.StartBusAsync(address, cancellationToken) is not { } bus)
        {
            return BrokerUnreachable;
        }

        try
        {
            switch (await bus.AskAsync(CheckQueues.EntryAddressOf(options), request, timeout, cancellationToken))
            {
                case CheckAnswer.Completed completed:
                    return Print(completed.Outcome, json, campaignExit: request.PlannedRecipients is not null);
                case CheckAnswer.Rejected rejected:
                    return Print(rejected.Outcome, json);
                default:
                    await Console.Error.WriteLineAsync($"No answer within {timeout}: is the service running on this broker?");
                    return NoAnswer;
            }
        }
        finally
        {
            await bus.StopAsync(CancellationToken.None);
        }
    }

    private static int Print(HealthCheckCompleted completed, bool json, bool campaignExit)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(completed, Json));
        }
        else
        {
            var snapshot = completed.Snapshot;
            AnsiConsole.MarkupLine($"[bold]{Markup.Escape(completed.NodeType)} {Markup.Escape(completed.NodeId)}[/] of {Markup.Escape(completed.CustSpaceId)}: [bold]{Markup.Escape(snapshot.CanSendMessage)}[/] (version {completed.Version}, checked {snapshot.CheckedAt:u}{(completed.FromCache ? ", from the store" : "")})");
            var entities = new Table().AddColumns("Entity", "Id", "Can send", "Why", "What to do");
            foreach (var entity in snapshot.Entities)
            {
                var why = entity.Errors.Select(e => $"{e.ErrorCode}: {e.ErrorDescription}").Concat(entity.AdditionalInfo);
                var fix = entity.Errors.Select(e => e.PossibleSolution ?? "");
                entities.AddRow(Markup.Escape(entity.EntityType), Markup.Escape(entity.Id), Markup.Escape(entity.CanSendMessage),
                    Markup.Escape(string.Join("\n", why)), Markup.Escape(string.Join("\n", fix)));
            }

            AnsiConsole.Write(entities);
            if (completed.Readiness is { } r)
            {
                var known = r.Values().Where(f => f.Value is not null).Select(f => $"{f.Key} {f.Value}");
                AnsiConsole.MarkupLine(Markup.Escape("Readiness: " + string.Join(", ", known) + (r.Unknown.Count > 0 ? $"; not known: {string.Join(", ", r.Unknown)}" : "")));
            }

            if (completed.Campaign is { } campaign)
            {
                var size = campaign.PlannedRecipients is { } n ? $" for {n} recipients" : "";
                AnsiConsole.MarkupLine($"Campaign{Markup.Escape(size)}: [bold]{Markup.Escape(campaign.Verdict)}[/]");
                foreach (var reason in campaign.Reasons)
                {
                    AnsiConsole.MarkupLine($"  {Markup.Escape(reason.Verdict)} {Markup.Escape(reason.Code)}: {Markup.Escape(reason.Text)}");
                }
            }
        }

        if (campaignExit)
        {
            return completed.Campaign?.Verdict switch
            {
                CampaignVerdicts.Go => Available,
                CampaignVerdicts.Stop => CampaignStop,
                _ => CampaignHold,
            };
        }

        return completed.Snapshot.CanSendMessage switch
        {
            MessagingStatus.Available => Available,
            MessagingStatus.Limited => Limited,
            MessagingStatus.Blocked => Blocked,
            _ => OtherStatus,
        };
    }

    private static int Print(HealthCheckRejected rejected, bool json)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(rejected, Json));
        }
        else
        {
            AnsiConsole.MarkupLine($"[bold]Rejected: {Markup.Escape(rejected.Reason)}[/] — {Markup.Escape(rejected.Detail)}{(rejected.UpstreamErrorCode is { } code ? $" (Meta code {code})" : "")}{(rejected.RetryAfter is { } after ? $"; retry after {after}" : "")}");
        }

        return Rejected;
    }
}
