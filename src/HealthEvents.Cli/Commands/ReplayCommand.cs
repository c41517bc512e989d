using System.CommandLine;
using HealthEvents.Cli.Replay;
using RabbitMQ.Client.Exceptions;
using Spectre.Console;

namespace HealthEvents.Cli.Commands;

/// <summary>`healthevents replay`: faulted checks from the error queue back to the entry queue (<see cref="ErrorQueueReplay"/>).</summary>
public static class ReplayCommand
{
    public static Command Create(Option<FileInfo?> config)
    {
        var errorQueue = new Option<string?>("--error-queue") { Description = "The queue to move messages from (default: the entry queue's _error queue)." };
        var tenant = new Option<string?>("--tenant") { Description = "Only checks of this CustSpaceId." };
        var nodeType = new Option<string?>("--node-type") { Description = "Only checks of this node type (waba, phone, template)." };
        var reason = new Option<string?>("--reason") { Description = "Only messages whose fault (exception type or message) mentions this text." };
        var olderThan = new Option<TimeSpan?>("--older-than") { Description = "Only messages that faulted at least this long ago (e.g. 00:10:00)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "List what would move; move nothing." };
        var broker = new Option<string?>("--broker") { Description = "The broker, amqp://user:password@host:port/vhost (default: Bus:RabbitMqUri)." };
        var command = new Command("replay", "Move faulted checks from the error queue back to the entry queue, at least once: a message leaves the error queue only after the broker confirmed its copy.")
        {
            errorQueue, tenant, nodeType, reason, olderThan, dryRun, broker,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var bus = CliBroker.Bus(parse.GetValue(config));
            if (CliBroker.Address(bus, parse.GetValue(broker)) is not { } address)
            {
                return 2;
            }

            if (await CliBroker.ConnectAsync(address, "healthevents-cli-replay", cancellationToken) is not { } connection)
            {
                return 3;
            }

            await using (connection)
            {
                var source = parse.GetValue(errorQueue) ?? bus.QueueName + "_error";
                var filter = new ReplayFilter(parse.GetValue(tenant), parse.GetValue(nodeType), parse.GetValue(reason), parse.GetValue(olderThan));
                var dry = parse.GetValue(dryRun);
                var listing = new Table().AddColumns("MessageId", "CustSpaceId", "Node type", "Fault", "Faulted at", dry ? "Would move" : "Moves");
                ReplayResult result;
                try
                {
                    result = await AnsiConsole.Progress().AutoClear(true).StartAsync(async progress =>
                    {
                        var task = progress.AddTask($"Replaying {source}");
                        return await new ErrorQueueReplay(connection, TimeProvider.System).RunAsync(source, bus.QueueName, filter, dry,
                            (done, total) => task.Value = total == 0 ? 100 : done * 100.0 / total,
                            (message, match) => listing.AddRow(
                                Markup.Escape(message.MessageId ?? "-"), Markup.Escape(message.CustSpaceId ?? "-"), Markup.Escape(message.NodeType ?? "-"),
                                Markup.Escape(message.ExceptionType ?? message.Reason ?? "-"), message.FaultedAt?.ToString("u") ?? "-", match ? "yes" : "no"),
                            cancellationToken);
                    });
                }
                catch (OperationInterruptedException ex)
                {
                    await Console.Error.WriteLineAsync($"The broker refused: {ex.ShutdownReason?.ReplyText ?? ex.Message}");
                    return 3;
                }

                if (dry || listing.Rows.Count <= 50)
                {
                    AnsiConsole.Write(listing);
                }

                Console.WriteLine($"{result.Moved} moved, {result.Skipped} left in {source}, {result.Failed} failed (of {result.Examined} examined){(dry ? " — dry run, nothing moved" : "")}");
                return result.Failed == 0 ? 0 : 1;
            }
        });
        return command;
    }
}
