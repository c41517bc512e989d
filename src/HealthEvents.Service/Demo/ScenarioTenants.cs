using System.Globalization;
using HealthEvents.GraphSimulator.Scenarios;

namespace HealthEvents.Service.Demo;

/// <summary>
/// Registers each token of a simulator scenario as a tenant (CustSpaceId = the token's name,
/// owning the token's WABAs), as configuration keys. For the demo, benchmarks and tests.
/// </summary>
public static class ScenarioTenants
{
    public static Dictionary<string, string?> Settings(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var settings = new Dictionary<string, string?>();
        foreach (var token in scenario.Tokens)
        {
            settings[$"Tenants:Spaces:{token.Name}:AccessToken"] = token.Token;
            for (var i = 0; i < token.WabaIds.Count; i++)
            {
                settings[string.Create(CultureInfo.InvariantCulture, $"Tenants:Spaces:{token.Name}:WabaIds:{i}")] = token.WabaIds[i];
            }
        }

        return settings;
    }
}
