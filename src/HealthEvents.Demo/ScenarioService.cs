using System.Globalization;
using HealthEvents.Core.Hosting;
using HealthEvents.Http;
using Microsoft.AspNetCore.Builder;
using HealthEvents.GraphSimulator.Scenarios;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HealthEvents.Demo;

/// <summary>
/// The service configured for a Graph simulator scenario: the one place the demo, the tests and
/// the benchmark get it from. Each scenario token is a tenant (CustSpaceId = the token's name,
/// owning the token's WABAs); the Graph API is the simulator; the store is a SQLite file.
/// </summary>
public static class ScenarioService
{
    /// <summary>
    /// Configuration keys for <paramref name="scenario"/>, on the embedded defaults (in-memory bus);
    /// <paramref name="overrides"/> win (a broker, faster retries, budgets).
    /// </summary>
    public static Dictionary<string, string?> Settings(
        Scenario scenario, Uri graphApi, string databasePath, IEnumerable<KeyValuePair<string, string?>>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(graphApi);
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Storage:Provider"] = "Sqlite",
            ["Storage:SqlitePath"] = databasePath,
            ["GraphApi:BaseUrl"] = graphApi.ToString(),
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };
        foreach (var token in scenario.Tokens)
        {
            settings[$"Tenants:Spaces:{token.Name}:AccessToken"] = token.Token;
            for (var i = 0; i < token.WabaIds.Count; i++)
            {
                settings[string.Create(CultureInfo.InvariantCulture, $"Tenants:Spaces:{token.Name}:WabaIds:{i}")] = token.WabaIds[i];
            }
        }

        foreach (var (key, value) in overrides ?? [])
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>
    /// The service's host builder (as the production binary composes it) with <paramref name="settings"/>
    /// on top of <c>appsettings.json</c>. Logging is the service's Serilog unless
    /// <paramref name="logging"/> sets up another; <paramref name="addMassTransit"/> as in
    /// <see cref="HealthEventsHost.AddHealthEvents"/>.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(
        IReadOnlyDictionary<string, string?> settings,
        Action<ILoggingBuilder>? logging = null,
        Action<IServiceCollection, Action<IBusRegistrationConfigurator>>? addMassTransit = null)
    {
        var builder = HealthEventsWeb.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(settings);
        if (logging is null)
        {
            builder.AddHealthEventsLogging();
        }
        else
        {
            logging(builder.Logging);
        }

        builder.AddHealthEventsService(addMassTransit);
        return builder;
    }
}
