using HealthEvents.Domain.Tenants;
using Microsoft.Extensions.Options;

namespace HealthEvents.Service;

/// <summary>Turns configuration errors found at start-up into a readable message and exit code 2, not a stack trace.</summary>
public static class StartupErrors
{
    public static async Task<int> ReportAsync(Func<Task> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        try
        {
            await run();
            return 0;
        }
        catch (Exception ex) when (ex is OptionsValidationException or TenantConfigurationException)
        {
            await Console.Error.WriteLineAsync("HealthEvents cannot start: the configuration is invalid.");
            var failures = ex is OptionsValidationException options ? options.Failures : ((TenantConfigurationException)ex).Errors;
            foreach (var failure in failures)
            {
                await Console.Error.WriteLineAsync("  - " + failure);
            }

            return 2;
        }
    }
}
