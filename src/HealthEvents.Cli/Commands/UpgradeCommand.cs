using System.CommandLine;
using HealthEvents.Cli.Upgrade;
using HealthEvents.Core.Bus;
using RabbitMQ.Client.Exceptions;
using Spectre.Console;

namespace HealthEvents.Cli.Commands;

/// <summary>`healthevents upgrade`: an earlier version's shard and router lease queues into the work queue, its parking levels into the near parking queue (<see cref="TopologyUpgrade"/>).</summary>
public static class UpgradeCommand
{
    public static Command Create(Option<FileInfo?> config)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "List the old queues and what they hold; move nothing." };
        var broker = new Option<string?>("--broker") { Description = "The broker, amqp://user:password@host:port/vhost (default: Bus:RabbitMqUri)." };
        var command = new Command("upgrade", "Move what an earlier version's shard and router lease queues hold into the work queue and what its parking levels hold into the near parking queue, at least once, and delete them. Run it once no instance of an earlier version runs.")
        {
            dryRun, broker,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var bus = CliBroker.Bus(parse.GetValue(config));
            if (CliBroker.Address(bus, parse.GetValue(broker)) is not { } address)
            {
                return 2;
            }

            if (await CliBroker.ConnectAsync(address, "healthevents-cli-upgrade", cancellationToken) is not { } connection)
            {
                return 3;
            }

            await using (connection)
            {
                var dry = parse.GetValue(dryRun);
                var queues = CheckQueues.From(bus);
                IReadOnlyList<MovedLeftover> moved;
                try
                {
                    moved = await TopologyUpgrade.RunAsync(connection, queues, dry, cancellationToken);
                }
                catch (OperationInterruptedException ex)
                {
                    await Console.Error.WriteLineAsync($"The broker refused: {ex.ShutdownReason?.ReplyText ?? ex.Message}");
                    return 3;
                }

                var table = new Table().AddColumns("Old queue", "Held", dry ? "Would move to" : "Moved to", "Moved", "Lease pings dropped", "Deleted");
                foreach (var queue in moved)
                {
                    table.AddRow(Markup.Escape(queue.Queue), $"{queue.Held}", Markup.Escape(queue.MovesTo), $"{queue.Moved}", $"{queue.Dropped}", queue.Deleted ? "yes" : "no");
                }

                if (moved.Count > 0)
                {
                    AnsiConsole.Write(table);
                }

                var left = moved.Count(q => !q.Deleted);
                Console.WriteLine(dry
                    ? $"{moved.Count} old queues hold {moved.Sum(q => q.Held)} messages — dry run, nothing moved"
                    : $"{moved.Sum(q => q.Moved)} messages moved, {moved.Count - left} old queues deleted, {left} left");
                return dry || left == 0 ? 0 : 1;
            }
        });
        return command;
    }
}
