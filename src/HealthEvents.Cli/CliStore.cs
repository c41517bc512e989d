using HealthEvents.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HealthEvents.Cli;

/// <summary>The service's store, as its <c>Storage</c> section configures it, for commands that read it.</summary>
public static class CliStore
{
    /// <summary>The store and what owns it (dispose it after), or null (with the reason written) when there is no store to read.</summary>
    public static async Task<(IHealthStore Store, IAsyncDisposable Owner)?> OpenAsync(FileInfo? config)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(CliConfiguration.Load(config));
        services.AddHealthEventsStorage();
        var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
        if (options.Provider == StorageProvider.Sqlite && !File.Exists(options.SqlitePath))
        {
            await Console.Error.WriteLineAsync($"There is no store at '{Path.GetFullPath(options.SqlitePath)}' (Storage:SqlitePath).");
            await provider.DisposeAsync();
            return null;
        }

        return (provider.GetRequiredService<IHealthStore>(), provider);
    }
}
