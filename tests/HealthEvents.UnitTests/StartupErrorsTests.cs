using HealthEvents.Domain.Tenants;
using HealthEvents.Core.Hosting;
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
}
