using System.Text.Json;
using System.Text.RegularExpressions;
using HealthEvents.Core.Hosting;
using HealthEvents.GraphSimulator.Scenarios;
using HealthEvents.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using YamlDotNet.RepresentationModel;

namespace HealthEvents.IntegrationTests.Deployment;

/// <summary>
/// docker-compose.yml and the Dockerfiles cannot run here (no Docker engine), so they are checked
/// against the code instead: the file parses, every build points at a Dockerfile that exists, each
/// image starts the same binary the tests start, the service's environment passes the service's own
/// start-up validation, and its tenants are the simulator scenario's.
/// </summary>
public partial class ComposeTests
{
    private static readonly string Root = FindRoot();

    [Fact]
    public void The_compose_file_wires_rabbitmq_mongodb_the_simulator_and_the_service()
    {
        var services = Services();
        Assert.Equal(["mongodb", "rabbitmq", "service", "simulator"], services.Children.Keys.Select(k => ((YamlScalarNode)k).Value).Order());
        // No plugin: single active consumer and quorum queues are the broker's own.
        Assert.False(services.Children.TryGetValue(new YamlScalarNode("rabbitmq"), out var rabbit) && ((YamlMappingNode)rabbit).Children.ContainsKey(new YamlScalarNode("command")),
            "the rabbitmq service needs no command of its own");

        foreach (var (service, binary) in new[] { ("service", "HealthEvents.Service.dll"), ("simulator", "HealthEvents.GraphSimulator.dll") })
        {
            var dockerfile = Path.Combine(Root, Scalar(services, service, "build", "context"), Scalar(services, service, "build", "dockerfile"));
            Assert.True(File.Exists(dockerfile), $"{service}: {dockerfile} does not exist");
            var entrypoint = JsonSerializer.Deserialize<string[]>(EntryPoint().Match(File.ReadAllText(dockerfile)).Groups["command"].Value)!;
            Assert.Equal(["dotnet", binary], entrypoint.Take(2));
            var project = Path.Combine(Root, "src", Path.GetFileNameWithoutExtension(binary), Path.GetFileNameWithoutExtension(binary) + ".csproj");
            Assert.True(File.Exists(project), $"{service}: no project builds {binary}");
        }
    }

    [Fact]
    public void The_services_environment_passes_its_own_start_up_validation_and_names_the_scenarios_tenants()
    {
        var environment = ((YamlMappingNode)((YamlMappingNode)Services().Children[new YamlScalarNode("service")]).Children[new YamlScalarNode("environment")])
            .Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value!.Replace("__", ":", StringComparison.Ordinal), e => ((YamlScalarNode)e.Value).Value);

        var builder = HealthEventsWeb.CreateBuilder([]);
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(environment);
        builder.AddHealthEventsService();
        using var host = builder.Build();
        host.ValidateConfiguration();

        // The probe, the published port and the simulator's webhooks all point at where the service listens.
        var service = (YamlMappingNode)Services().Children[new YamlScalarNode("service")];
        var port = new Uri(environment["Http:Urls"]!.Replace("0.0.0.0", "localhost", StringComparison.Ordinal)).Port;
        Assert.Contains($"http://localhost:{port}/healthz/ready", string.Join(" ", ((YamlSequenceNode)((YamlMappingNode)service.Children[new YamlScalarNode("healthcheck")]).Children[new YamlScalarNode("test")]).Select(n => n.ToString())), StringComparison.Ordinal);
        Assert.Contains($"{port}:{port}", ((YamlSequenceNode)service.Children[new YamlScalarNode("ports")]).Select(n => n.ToString()));
        var simulatorArgs = ((YamlSequenceNode)((YamlMappingNode)Services().Children[new YamlScalarNode("simulator")]).Children[new YamlScalarNode("command")]).Select(n => n.ToString()).ToList();
        Assert.Equal($"http://service:{port}/webhooks/meta", simulatorArgs[simulatorArgs.IndexOf("--webhook-url") + 1]);
        Assert.Equal(environment["Webhooks:Meta:AppSecret"], simulatorArgs[simulatorArgs.IndexOf("--webhook-secret") + 1]);
        Assert.Contains("FROM mcr.microsoft.com/dotnet/aspnet:10.0", File.ReadAllText(Path.Combine(Root, "src", "HealthEvents.Service", "Dockerfile")), StringComparison.Ordinal);

        var scenario = Scenario.Load(Path.Combine(Root, "src", "HealthEvents.GraphSimulator", "scenarios", "sample.json"));
        foreach (var token in scenario.Tokens)
        {
            Assert.Equal(token.Token, environment[$"Tenants:Spaces:{token.Name}:AccessToken"]);
            Assert.Equal(token.WabaIds, token.WabaIds.Select((_, i) => environment[$"Tenants:Spaces:{token.Name}:WabaIds:{i}"]));
        }

        var simulatorPort = new Uri(environment["GraphApi:BaseUrl"]!).Port;
        Assert.Contains($"0.0.0.0:{simulatorPort}", File.ReadAllText(Path.Combine(Root, "src", "HealthEvents.GraphSimulator", "Dockerfile")), StringComparison.Ordinal);
    }

    private static YamlMappingNode Services()
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Root, "docker-compose.yml"));
        yaml.Load(reader);
        return (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode).Children[new YamlScalarNode("services")];
    }

    private static string Scalar(YamlMappingNode node, params string[] path) =>
        ((YamlScalarNode)path.Aggregate((YamlNode)node, (current, key) => ((YamlMappingNode)current).Children[new YamlScalarNode(key)])).Value!;

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "HealthEvents.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (HealthEvents.sln) is not above the test's folder.");
    }

    [GeneratedRegex(@"^ENTRYPOINT\s+(?<command>\[.*\])\s*$", RegexOptions.Multiline)]
    private static partial Regex EntryPoint();
}
