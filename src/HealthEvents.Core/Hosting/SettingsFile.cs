using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace HealthEvents.Core.Hosting;

/// <summary>
/// An optional settings file named by <c>HEALTHEVENTS_SETTINGS_FILE</c> (a mounted ConfigMap or
/// secret, a thousand tenants' worth), read after <c>appsettings.json</c> and before environment
/// variables, so those still win. A name that does not exist stops the start-up.
/// </summary>
public static class SettingsFile
{
    public const string Variable = "HEALTHEVENTS_SETTINGS_FILE";

    public static void Add(IConfigurationBuilder configuration) => Add(configuration, Environment.GetEnvironmentVariable(Variable));

    public static void Add(IConfigurationBuilder configuration, string? path)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        var file = new JsonConfigurationSource { Path = Path.GetFullPath(path), Optional = false, ReloadOnChange = false };
        file.ResolveFileProvider();
        // Just after the last JSON file (appsettings.json and its environment's), before everything else.
        configuration.Sources.Insert(configuration.Sources.ToList().FindLastIndex(s => s is JsonConfigurationSource) + 1, file);
    }
}
