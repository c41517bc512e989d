using System.Net;
using System.Net.Sockets;
using HealthEvents.IntegrationTests.Support;

namespace HealthEvents.IntegrationTests.Api;

/// <summary>
/// The real binary started while its broker cannot be reached: during the wait the probes answer
/// live and not ready (not a closed port); once the broker is there the service itself takes the
/// port over; SIGTERM during the wait still ends it cleanly.
/// </summary>
public class BrokerWaitProbeTests
{
    [Fact]
    public async Task While_the_service_waits_for_its_broker_it_is_live_but_not_ready_and_SIGTERM_ends_it_cleanly()
    {
        var port = FreePort();
        var directory = Directory.CreateTempSubdirectory("healthevents-wait-").FullName;
        using var service = ServiceProcess.Start(Settings("amqp://guest:guest@127.0.0.1:1/", port, directory), directory);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };

        var live = await Eventually.ReturnsAsync(() => StatusAsync(http, "/healthz/live"), s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "the probes to answer during the broker wait");
        Assert.Equal(HttpStatusCode.OK, live);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await StatusAsync(http, "/healthz/ready"));
        Assert.Contains("Waiting for the broker", await ReadyBodyAsync(http), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await StatusAsync(http, "/v1/tenants"));
        Assert.False(service.HasExited);

        await service.TerminateAsync();
        Assert.Equal(0, await service.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task Once_the_broker_can_be_reached_the_service_takes_the_port_over_and_becomes_ready()
    {
        var root = await RabbitBroker.RequireAsync();
        var vhost = "he-test-wait-" + Guid.NewGuid().ToString("N")[..12];
        var port = FreePort();
        var directory = Directory.CreateTempSubdirectory("healthevents-wait-").FullName;
        using var service = ServiceProcess.Start(Settings(new UriBuilder(root) { Path = "/" + vhost }.Uri.ToString(), port, directory), directory);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            await Eventually.ReturnsAsync(() => StatusAsync(http, "/healthz/live"), s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "live while the virtual host is missing");
            Assert.Contains("Waiting for the broker", await ReadyBodyAsync(http), StringComparison.Ordinal);

            Assert.True(await RabbitBroker.RabbitMqCtlAsync("add_vhost", vhost));
            Assert.True(await RabbitBroker.RabbitMqCtlAsync("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"));

            await Eventually.ReturnsAsync(() => StatusAsync(http, "/healthz/ready"), s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(90), $"the service to take the port over and be ready{Environment.NewLine}{service.Output}");
            Assert.Contains("store", await ReadyBodyAsync(http), StringComparison.Ordinal);
        }
        finally
        {
            await service.TerminateAsync();
            await service.WaitForExitAsync(TimeSpan.FromSeconds(30));
            await RabbitBroker.RabbitMqCtlAsync("delete_vhost", vhost);
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The service on RabbitMQ at <paramref name="broker"/>, its HTTP side on <paramref name="port"/>.</summary>
    private static Dictionary<string, string?> Settings(string broker, int port, string directory) => new()
    {
        ["Bus:Transport"] = "RabbitMq",
        ["Bus:RabbitMqUri"] = broker,
        ["Http:Urls"] = $"http://127.0.0.1:{port}",
        ["Storage:SqlitePath"] = Path.Combine(directory, "store.db"),
        ["Tenants:Spaces:cs-alpha:AccessToken"] = "wait-test-token",
        ["Tenants:Spaces:cs-alpha:WabaIds:0"] = "102290129340398",
    };

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string path)
    {
        try
        {
            using var response = await http.GetAsync(path, TestContext.Current.CancellationToken);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    private static async Task<string> ReadyBodyAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/healthz/ready", TestContext.Current.CancellationToken);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
