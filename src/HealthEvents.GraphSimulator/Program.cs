using HealthEvents.GraphSimulator;
using HealthEvents.GraphSimulator.Scenarios;

// Usage: dotnet run --project src/HealthEvents.GraphSimulator [-- --scenario path.json --urls http://127.0.0.1:5080
//        --webhook-url http://127.0.0.1:8080/webhooks/meta --webhook-secret <the service's Webhooks:Meta:AppSecret>]
var scenarioPath = ArgValue(args, "--scenario") ?? Path.Combine(AppContext.BaseDirectory, "scenarios", "sample.json");
var url = ArgValue(args, "--urls") ?? "http://127.0.0.1:5080";
var scenario = Scenario.Load(scenarioPath);
if (ArgValue(args, "--webhook-url") is { } webhookUrl)
{
    scenario.Webhooks = new WebhookSettings { Url = webhookUrl, AppSecret = ArgValue(args, "--webhook-secret") };
}

var app = GraphSimulatorHost.Build(scenario, url, args: args);
await app.StartAsync();
Console.WriteLine($"Graph API simulator on {url} with scenario {scenarioPath}");
Console.WriteLine($"  try: curl -H 'Authorization: Bearer <a token from the scenario>' '{url}/v21.0/{scenario.Wabas.FirstOrDefault()?.PhoneNumbers.FirstOrDefault()?.Id}?fields=health_status'");
Console.WriteLine($"  call log: {url}/_sim/calls");
await app.WaitForShutdownAsync();

static string? ArgValue(string[] args, string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
