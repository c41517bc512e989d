using Microsoft.Extensions.Configuration;

namespace HealthEvents.Cli;

/// <summary>
/// The service's configuration sources, read the same way: an appsettings.json (the service's, named
/// with <c>--config</c>; by default <c>appsettings.json</c> in the current folder when there is one),
/// then environment variables (<c>Bus__RabbitMqUri</c> …), which win.
/// </summary>
public static class CliConfiguration
{
    public static IConfigurationRoot Load(FileInfo? file)
    {
        var builder = new ConfigurationBuilder();
        var path = file?.FullName ?? Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json");
        if (file is not null && !file.Exists)
        {
            throw new FileNotFoundException($"The configuration file '{file.FullName}' does not exist.");
        }

        builder.AddJsonFile(path, optional: file is null);
        builder.AddEnvironmentVariables();
        return builder.Build();
    }
}
