using System.Diagnostics;
using System.Net.Sockets;

namespace HealthEvents.IntegrationTests.Support;

/// <summary>
/// The real RabbitMQ the broker tests use: <c>HEALTHEVENTS_RABBITMQ</c> (an amqp:// address), else
/// the local broker that <c>.ci/run</c> starts. Each test gets its own virtual host (made with
/// rabbitmqctl), so published events never cross between tests. With no broker, tests skip.
/// </summary>
public static class RabbitBroker
{
    private static readonly Lazy<Task<Uri?>> Address = new(FindAsync);

    public static async Task<Uri> RequireAsync()
    {
        var address = await Address.Value;
        if (address is null)
        {
            Assert.Skip("No RabbitMQ broker: set HEALTHEVENTS_RABBITMQ or run `bash .ci/run`, which installs and starts one.");
        }

        return address;
    }

    /// <summary>A fresh virtual host on the broker; disposing deletes it.</summary>
    public static async Task<BrokerVirtualHost> CreateVirtualHostAsync()
    {
        var root = await RequireAsync();
        var name = "he-test-" + Guid.NewGuid().ToString("N")[..12];
        if (!await RabbitMqCtlAsync("add_vhost", name) || !await RabbitMqCtlAsync("set_permissions", "-p", name, "guest", ".*", ".*", ".*"))
        {
            Assert.Skip("rabbitmqctl could not create a virtual host for test isolation.");
        }

        return new BrokerVirtualHost(new UriBuilder(root) { Path = "/" + name }.Uri, name);
    }

    internal static async Task<bool> RabbitMqCtlAsync(params string[] args) => (await RabbitMqCtlOutputAsync(args)).Ok;

    /// <summary>Runs rabbitmqctl; whether it succeeded, and what it printed.</summary>
    internal static async Task<(bool Ok, string Output)> RabbitMqCtlOutputAsync(params string[] args)
    {
        var start = new ProcessStartInfo("rabbitmqctl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode == 0, output);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (false, "");
        }
    }

    private static async Task<Uri?> FindAsync()
    {
        var configured = Environment.GetEnvironmentVariable("HEALTHEVENTS_RABBITMQ");
        var address = new Uri(string.IsNullOrWhiteSpace(configured) ? "amqp://guest:guest@localhost:5672/" : configured);
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            await client.ConnectAsync(address.Host, address.IsDefaultPort ? 5672 : address.Port, timeout.Token);
            return address;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return null;
        }
    }
}

public sealed class BrokerVirtualHost(Uri address, string name) : IAsyncDisposable
{
    public Uri Address { get; } = address;

    public string Name { get; } = name;

    public async ValueTask DisposeAsync() => await RabbitBroker.RabbitMqCtlAsync("delete_vhost", Name);
}
