using System.CommandLine;
using HealthEvents.Cli.Commands;
using Spectre.Console;

// `healthevents`: the operators' tool. Same configuration as the service (CliConfiguration).
var config = new Option<FileInfo?>("--config") { Description = "The service's appsettings.json (default: ./appsettings.json when present); environment variables still win.", Recursive = true };

// Piped into a file or a script, tables are not cut to a terminal's 80 columns.
if (Console.IsOutputRedirected)
{
    AnsiConsole.Profile.Width = 240;
}

var root = new RootCommand("Operators' tool for the HealthEvents service.") { config };
root.Subcommands.Add(CheckCommand.Create(config));
root.Subcommands.Add(StatusCommand.Create(config));
root.Subcommands.Add(ReplayCommand.Create(config));
root.Subcommands.Add(RepublishCommand.Create(config));
root.Subcommands.Add(TenantsCommand.Create(config));
root.Subcommands.Add(UpgradeCommand.Create(config));
return await root.Parse(args).InvokeAsync();
