using HealthEvents.Core.Hosting;
using HealthEvents.Domain.Tenants;
using HealthEvents.Graph;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HealthEvents.UnitTests;

public class StartupErrorsTests
{
    [Fact]
    public async Task Every_configuration_problem_is_listed_and_the_exit_code_is_2()
    {
        var failure = new AggregateException(
            new OptionsValidationException("Bus", typeof(object), ["Bus:Transport must be 'InMemory' or 'RabbitMq'."]),
            new TenantConfigurationException(["Tenants:Spaces:x:WabaIds: 'abc' is not a Graph id (digits only)."]));
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        try
        {
            Assert.Equal(StartupErrors.InvalidConfiguration, await StartupErrors.ReportAsync(() => throw failure));
        }
        finally
        {
            Console.SetError(original);
        }

        Assert.Contains("Bus:Transport", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("Tenants:Spaces:x:WabaIds", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Other_failures_are_not_disguised_as_configuration_errors() =>
        await Assert.ThrowsAsync<InvalidOperationException>(() => StartupErrors.ReportAsync(() => throw new InvalidOperationException("broker down")));

    [Fact]
    public async Task A_setting_that_cannot_be_read_is_named_with_what_it_must_be_and_never_echoed()
    {
        var (exitCode, error) = await ReportAsync(() =>
        {
            var builder = HealthEventsHost.CreateBuilder([]);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Bus:Transport"] = "Kafka-secret-value" });
            builder.AddHealthEvents();
            using var host = builder.Build();
            host.ValidateConfiguration();
            return Task.CompletedTask;
        });

        Assert.Equal(StartupErrors.InvalidConfiguration, exitCode);
        Assert.Contains("Bus:Transport", error, StringComparison.Ordinal);
        Assert.Contains("InMemory, RabbitMq", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Kafka-secret-value", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_word_where_a_number_belongs_is_named_as_such()
    {
        var (exitCode, error) = await ReportAsync(() =>
        {
            var builder = HealthEventsHost.CreateBuilder([]);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Tenants:Defaults:RequestsPerSecond"] = "fast" });
            builder.AddHealthEvents();
            using var host = builder.Build();
            host.ValidateConfiguration();
            return Task.CompletedTask;
        });

        Assert.Equal(StartupErrors.InvalidConfiguration, exitCode);
        Assert.Contains("Tenants:Defaults:RequestsPerSecond: the value cannot be read; it must be a whole number.", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GraphApi:BaseUrl", "graph.example", "GraphApi:BaseUrl must be an absolute http:// or https:// address.")]
    [InlineData("GraphApi:BaseUrl", "ftp://graph.example/", "GraphApi:BaseUrl must be an absolute http:// or https:// address.")]
    [InlineData("Bus:RabbitMqUri", "not a uri", "Bus:RabbitMqUri must be an amqp:// or amqps:// address.")]
    [InlineData("Storage:SqlitePath", "/proc/healthevents-nowhere/store.db", "Storage:SqlitePath: '/proc/healthevents-nowhere/store.db' cannot be created or written to")]
    public async Task A_setting_that_cannot_work_is_named(string setting, string value, string problem)
    {
        var (exitCode, error) = await ReportAsync(() =>
        {
            var builder = HealthEventsHost.CreateBuilder([]);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Bus:Transport"] = "RabbitMq", [setting] = value });
            builder.AddHealthEvents();
            using var host = builder.Build();
            host.ValidateConfiguration();
            return Task.CompletedTask;
        });

        Assert.Equal(StartupErrors.InvalidConfiguration, exitCode);
        Assert.Contains(problem, error, StringComparison.Ordinal);
    }

    [Fact]
    public void MassTransit_usage_telemetry_is_off_unless_switched_on()
    {
        foreach (var (setting, enabled) in new[] { ((string?)null, false), ("true", true) })
        {
            var builder = HealthEventsHost.CreateBuilder([]);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Bus:UsageTelemetry"] = setting });
            builder.AddHealthEvents();
            using var host = builder.Build();
            Assert.Equal(enabled, host.Services.GetRequiredService<IOptions<MassTransit.UsageTelemetryOptions>>().Value.Enabled);
        }
    }

    [Fact]
    public async Task A_graph_client_composed_without_a_budget_stops_start_up_naming_the_fix()
    {
        var (exitCode, error) = await ReportAsync(() =>
        {
            var services = new ServiceCollection();
            services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
            services.AddGraphApiClient();
            using var provider = services.BuildServiceProvider();
            provider.GetRequiredService<IStartupValidator>().Validate();
            return Task.CompletedTask;
        });

        Assert.Equal(StartupErrors.InvalidConfiguration, exitCode);
        Assert.Contains("IGraphCallGate", error, StringComparison.Ordinal);
        Assert.Contains("AddGraphBudget", error, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Error)> ReportAsync(Func<Task> run)
    {
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        try
        {
            return (await StartupErrors.ReportAsync(run), error.ToString());
        }
        finally
        {
            Console.SetError(original);
        }
    }
}
