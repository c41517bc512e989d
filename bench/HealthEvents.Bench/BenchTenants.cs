using System.Globalization;
using HealthEvents.Contracts;
using HealthEvents.GraphSimulator.Scenarios;

namespace HealthEvents.Bench;

/// <summary>Bench tenants: <c>bench-0001</c>…, each with WABAs of its own, so every check is a distinct node (identical checks would coalesce).</summary>
internal static class BenchTenants
{
    public static string Tenant(int i) => string.Create(CultureInfo.InvariantCulture, $"bench-{i:0000}");

    public static string Waba(int tenant, int n) => (700_000_000_000_000L + tenant * 100_000L + n).ToString(CultureInfo.InvariantCulture);

    public static Scenario Create(int tenants, int wabasEach, (int Min, int Max) latency) => new()
    {
        Tokens = [.. Enumerable.Range(1, tenants).Select(t => new ScenarioToken
        {
            Name = Tenant(t), Token = $"bench-token-{t}", WabaIds = [.. Enumerable.Range(0, wabasEach).Select(n => Waba(t, n))],
        })],
        Wabas = [.. Enumerable.Range(1, tenants).SelectMany(t => Enumerable.Range(0, wabasEach).Select(n => new ScenarioWaba
        {
            Id = Waba(t, n), BusinessId = "506914307656634", AppId = "634974688087057",
        }))],
        Latency = new LatencySettings { MinMs = latency.Min, MaxMs = latency.Max },
    };

    public static HealthCheckRequested Check(int tenant, int n) =>
        new() { CustSpaceId = Tenant(tenant), NodeType = NodeTypes.Waba, WabaId = Waba(tenant, n), RequestedAt = DateTimeOffset.UtcNow };

    /// <summary>Round-robin over tenants: check <c>first..first+each-1</c> of every tenant, interleaved as many senders would publish them.</summary>
    public static IEnumerable<HealthCheckRequested> Backlog(int tenants, int first, int each)
    {
        for (var n = first; n < first + each; n++)
        {
            for (var t = 1; t <= tenants; t++)
            {
                yield return Check(t, n);
            }
        }
    }
}
