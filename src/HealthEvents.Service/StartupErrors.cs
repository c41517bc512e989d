using HealthEvents.Domain.Tenants;
using Microsoft.Extensions.Options;

namespace HealthEvents.Service;

/// <summary>Turns configuration errors found at start-up into one line per problem and exit code 2, not a stack trace.</summary>
public static class StartupErrors
{
    public const int InvalidConfiguration = 2;

    public static async Task<int> ReportAsync(Func<Task> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        try
        {
            await run();
            return 0;
        }
        catch (Exception ex) when (Problems(ex) is { Count: > 0 } problems)
        {
            await Console.Error.WriteLineAsync("HealthEvents cannot start: the configuration is invalid.");
            foreach (var problem in problems)
            {
                await Console.Error.WriteLineAsync("  - " + problem);
            }

            return InvalidConfiguration;
        }
    }

    /// <summary>The configuration problems <paramref name="ex"/> reports; empty when it is not a configuration error.</summary>
    public static IReadOnlyList<string> Problems(Exception ex) => ex switch
    {
        OptionsValidationException options => [.. options.Failures],
        TenantConfigurationException tenants => tenants.Errors,
        AggregateException aggregate when aggregate.InnerExceptions.All(e => Problems(e).Count > 0) =>
            [.. aggregate.InnerExceptions.SelectMany(Problems)],
        _ => [],
    };
}
