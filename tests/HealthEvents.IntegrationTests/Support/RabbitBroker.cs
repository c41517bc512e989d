using System.Diagnostics;
using System.Net.Sockets;
using Testcontainers.RabbitMq;

namespace HealthEvents.IntegrationTests.Support;

/// <summary>
/// The real RabbitMQ the broker tests use, found in this order: <c>HEALTHEVENTS_RABBITMQ</c> (an
/// amqp:// address), the local broker that <c>.ci/run</c> starts, then a container started with
/// Testcontainers where a Docker engine answers. Each test gets its own virtual host, so published
/// events never cross between tests. With no broker a test skips, saying why; with
/// <c>HEALTHEVENTS_REQUIRE_BROKER=1</c> (as <c>.ci/run</c> sets) it fails instead, so a CI run
/// cannot go green without its broker tests.
/// </summary>
public static class RabbitBroker
{
    private const string DefaultAddress = "amqp://guest:guest@localhost:5672/";
    private const string NotInstalled = "rabbitmqctl is not installed";

    // How long a broker may take to answer one probe or one rabbitmqctl call on a loaded 2-core machine.
    private static readonly TimeSpan ProbeDeadline = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan AdminDeadline = TimeSpan.FromSeconds(60);

    private static readonly Lazy<Task<Located>> Broker = new(FindAsync);

    private const string RequiredVariable = "HEALTHEVENTS_REQUIRE_BROKER";

    /// <summary>Whether a broker that cannot be used fails the test rather than skipping it.</summary>
    public static bool Required => Requirement.IsRequired(RequiredVariable);

    public static async Task<Uri> RequireAsync()
    {
        var broker = await Broker.Value;
        if (broker.Address is null)
        {
            Unavailable(broker.Problem);
        }

        return broker.Address;
    }

    /// <summary>A fresh virtual host on the broker; disposing deletes it.</summary>
    public static async Task<BrokerVirtualHost> CreateVirtualHostAsync()
    {
        var root = await RequireAsync();
        var name = "he-test-" + Guid.NewGuid().ToString("N")[..12];
        foreach (var command in new[] { new[] { "add_vhost", name }, ["set_permissions", "-p", name, "guest", ".*", ".*", ".*"] })
        {
            var (ok, output) = await RabbitMqCtlOutputAsync(command);
            if (!ok)
            {
                Unavailable($"rabbitmqctl {command[0]} failed, so the test has no virtual host of its own: {output.Trim()}");
            }
        }

        return new BrokerVirtualHost(new UriBuilder(root) { Path = "/" + name }.Uri, name);
    }

    internal static async Task<bool> RabbitMqCtlAsync(params string[] args) => (await RabbitMqCtlOutputAsync(args)).Ok;

    /// <summary>
    /// Runs rabbitmqctl on the broker's node (locally, or inside its container); whether it
    /// succeeded, and what it printed. A call that fails is tried again until it succeeds or the
    /// deadline passes: the CLI's own connection to the node times out now and then under load.
    /// </summary>
    internal static async Task<(bool Ok, string Output)> RabbitMqCtlOutputAsync(params string[] args)
    {
        var broker = await Broker.Value;
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var (ok, output) = broker.Container is { } container ? await InContainerAsync(container, args) : await LocallyAsync(args);
            if (!ok && args[0] == "add_vhost" && output.Contains("already exists", StringComparison.Ordinal))
            {
                // An earlier try that timed out on the CLI's side had made it after all.
                return (true, output);
            }

            if (ok || deadline.Elapsed > AdminDeadline || !Retriable(args) || output == NotInstalled)
            {
                return (ok, output);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), TestContext.Current.CancellationToken);
        }
    }

    // Commands whose failure is an answer the caller asked for: not repeated.
    private static bool Retriable(string[] args) => args[0] is not ("eval" or "delete_vhost");

    private static async Task<(bool Ok, string Output)> LocallyAsync(string[] args)
    {
        var start = new ProcessStartInfo("rabbitmqctl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode == 0, process.ExitCode == 0 ? await output : await output + await errors);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (false, NotInstalled);
        }
    }

    private static async Task<(bool Ok, string Output)> InContainerAsync(RabbitMqContainer container, string[] args)
    {
        var result = await container.ExecAsync(["rabbitmqctl", .. args]);
        return (result.ExitCode == 0, result.ExitCode == 0 ? result.Stdout : result.Stdout + result.Stderr);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Unavailable(string problem) => Requirement.Missing(RequiredVariable, "the broker cannot be used: " + problem);

    private static async Task<Located> FindAsync()
    {
        var configured = Environment.GetEnvironmentVariable("HEALTHEVENTS_RABBITMQ");
        var address = new Uri(string.IsNullOrWhiteSpace(configured) ? DefaultAddress : configured);
        if (await AnswersAsync(address))
        {
            return new Located(address, null, "");
        }

        if (!string.IsNullOrWhiteSpace(configured))
        {
            // The address given is the one to test against: no quiet fallback to another broker.
            return new Located(null, null, $"HEALTHEVENTS_RABBITMQ names {address.Host}:{Port(address)}, and nothing answers there.");
        }

        if (!File.Exists("/var/run/docker.sock") && Environment.GetEnvironmentVariable("DOCKER_HOST") is null)
        {
            return new Located(null, null,
                "No RabbitMQ broker: nothing answers at localhost:5672, HEALTHEVENTS_RABBITMQ is not set and no Docker engine is available for Testcontainers (`bash .ci/run` installs and starts one).");
        }

        try
        {
            var container = new RabbitMqBuilder("rabbitmq:3.13-management").WithUsername("guest").WithPassword("guest").Build();
            await container.StartAsync();
            return new Located(new Uri(container.GetConnectionString()), container, "");
        }
#pragma warning disable CA1031 // Any failure to start a container means "no broker here", reported with its reason.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return new Located(null, null, $"No RabbitMQ broker: nothing answers at localhost:5672 and Testcontainers could not start one ({ex.GetType().Name}: {ex.Message}).");
        }
    }

    /// <summary>Whether the broker takes TCP connections, tried until <see cref="ProbeDeadline"/>: one refused probe on a busy machine is no verdict.</summary>
    private static async Task<bool> AnswersAsync(Uri address)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await client.ConnectAsync(address.Host, Port(address), timeout.Token);
                return true;
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                if (!Required || deadline.Elapsed > ProbeDeadline)
                {
                    return false;
                }
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    private static int Port(Uri address) => address.IsDefaultPort ? 5672 : address.Port;

    private sealed record Located(Uri? Address, RabbitMqContainer? Container, string Problem);
}

public sealed class BrokerVirtualHost(Uri address, string name) : IAsyncDisposable
{
    public Uri Address { get; } = address;

    public string Name { get; } = name;

    public async ValueTask DisposeAsync() => await RabbitBroker.RabbitMqCtlAsync("delete_vhost", Name);
}
