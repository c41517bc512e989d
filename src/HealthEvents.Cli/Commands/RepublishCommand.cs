using System.CommandLine;
using HealthEvents.Core.HealthChecks;
using MassTransit;

namespace HealthEvents.Cli.Commands;

/// <summary>
/// `healthevents republish`: publishes a tenant's stored changes again as <c>HealthStatusChanged</c>,
/// with the MessageId and Version each had the first time, so a new subscriber can rebuild its state
/// and one that saw them drops them.
/// </summary>
public static class RepublishCommand
{
    public static Command Create(Option<FileInfo?> config)
    {
        var tenant = new Option<string>("--tenant") { Description = "CustSpaceId.", Required = true };
        var since = new Option<DateTimeOffset?>("--from") { Description = "Changes Meta gave from this time (default: the beginning)." };
        var until = new Option<DateTimeOffset?>("--until") { Description = "…up to this time, not included (default: now)." };
        var max = new Option<int>("--max") { Description = "At most this many changes.", DefaultValueFactory = _ => 100_000 };
        var broker = new Option<string?>("--broker") { Description = "The broker, amqp://user:password@host:port/vhost (default: Bus:RabbitMqUri)." };
        var command = new Command("republish", "Publish a tenant's stored status changes again, with their original MessageIds and Versions.") { tenant, since, until, max, broker };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var busOptions = CliBroker.Bus(parse.GetValue(config));
            if (CliBroker.Address(busOptions, parse.GetValue(broker)) is not { } address)
            {
                return 2;
            }

            if (await CliStore.OpenAsync(parse.GetValue(config)) is not var (store, owner))
            {
                return 2;
            }

            await using (owner)
            {
                var changes = await store.GetChangesAsync(parse.GetValue(tenant)!, parse.GetValue(since) ?? DateTimeOffset.MinValue,
                    parse.GetValue(until) ?? DateTimeOffset.UtcNow, parse.GetValue(max), cancellationToken);
                if (await CliBroker.StartBusAsync(address, cancellationToken) is not { } bus)
                {
                    return 3;
                }

                try
                {
                    foreach (var change in changes)
                    {
                        var messageId = DerivedMessageIds.ForChange(change.Key, change.Version);
                        await bus.Publish(OutcomeEvents.Changed(change), c => c.MessageId = messageId, cancellationToken);
                    }
                }
                finally
                {
                    await bus.StopAsync(CancellationToken.None);
                }

                Console.WriteLine($"{changes.Count} change(s) republished.");
                return 0;
            }
        });
        return command;
    }
}
