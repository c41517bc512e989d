using HealthEvents.IntegrationTests.Support;

namespace HealthEvents.IntegrationTests.Reliability;

/// <summary>
/// The real service binary started with settings that cannot work: one line per problem and exit
/// code 2, never a stack trace, never the value itself (it may be a secret in the wrong place). A
/// broker that is down or refuses the credentials is one line per attempt, and SIGTERM ends the
/// wait with a clean exit.
/// </summary>
public class BadSettingsTests
{
    private const string Canary = "canary-s3cret-7d41";

    [Theory]
    [InlineData("Bus:RabbitMqUri", "not a uri " + Canary, "Bus:RabbitMqUri")]
    [InlineData("Bus:Transport", "Kafka" + Canary, "Bus:Transport")]
    [InlineData("Bus:NearParkingCapacity", "many", "Bus:NearParkingCapacity")]
    [InlineData("Tenants:Defaults:RequestsPerSecond", "fast", "Tenants:Defaults:RequestsPerSecond")]
    [InlineData("Storage:SqlitePath", "/proc/healthevents-nowhere/store.db", "Storage:SqlitePath")]
    [InlineData("GraphApi:BaseUrl", "graph.example/" + Canary, "GraphApi:BaseUrl")]
    [InlineData("GraphApi:BaseUrl", "ftp://user:" + Canary + "@graph.example/", "GraphApi:BaseUrl")]
    [InlineData("Budget:Window", "a while", "Budget:Window")]
    public async Task A_setting_that_cannot_work_is_one_line_and_exit_code_2(string setting, string value, string named)
    {
        var directory = Directory.CreateTempSubdirectory("healthevents-settings-").FullName;
        try
        {
            using var service = ServiceProcess.Start(new Dictionary<string, string?>
            {
                ["Bus:Transport"] = setting.StartsWith("Bus:RabbitMqUri", StringComparison.Ordinal) ? "RabbitMq" : null,
                [setting] = value,
            }.Where(s => s.Value is not null).ToDictionary(), directory);

            Assert.Equal(2, await service.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            var output = service.Output;
            Assert.Contains(named, output, StringComparison.Ordinal);
            Assert.DoesNotContain(Canary, output, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("wrong password", "refused the credentials")]
    [InlineData("closed port", "cannot be reached")]
    [InlineData("no such virtual host", "refused access to the virtual host")]
    public async Task A_broker_that_cannot_be_used_is_one_line_per_attempt_and_sigterm_exits_cleanly(string fault, string problem)
    {
        var root = await RabbitBroker.RequireAsync();
        var broker = fault switch
        {
            "wrong password" => new UriBuilder(root) { UserName = "guest", Password = Canary, Path = "/" }.Uri,
            "closed port" => new UriBuilder(root) { Port = 1, Path = "/" }.Uri,
            _ => new UriBuilder(root) { Path = "/healthevents-no-such-vhost" }.Uri,
        };
        var directory = Directory.CreateTempSubdirectory("healthevents-broker-").FullName;
        try
        {
            using var service = ServiceProcess.Start(new Dictionary<string, string?>
            {
                ["Bus:Transport"] = "RabbitMq",
                ["Bus:RabbitMqUri"] = broker.ToString(),
            }, directory);

            await Eventually.TrueAsync(() => service.Lines.Count(l => l.Contains(problem, StringComparison.Ordinal)) >= 2 || service.HasExited,
                TimeSpan.FromSeconds(90), () => "two attempts, one line each: " + service.Output);
            Assert.False(service.HasExited, "the service gave up instead of waiting for the broker: " + service.Output);
            await service.TerminateAsync();

            Assert.Equal(0, await service.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            var output = service.Output;
            Assert.DoesNotContain(Canary, output, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
            Assert.All(service.Lines.Where(l => l.Contains(problem, StringComparison.Ordinal)), l => Assert.Contains("attempt", l, StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
