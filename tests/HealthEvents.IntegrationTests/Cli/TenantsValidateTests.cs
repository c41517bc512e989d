using HealthEvents.IntegrationTests.Support;

namespace HealthEvents.IntegrationTests.Cli;

/// <summary>`healthevents tenants validate`, run as the tool runs: every problem listed, exit code 2; a good configuration says so.</summary>
public class TenantsValidateTests
{
    private static readonly string[] Validate = ["tenants", "validate"];

    [Fact]
    public async Task Every_problem_is_listed_with_exit_code_2_and_a_good_configuration_passes()
    {
        var (bad, badOutput) = await CliProcess.RunAsync(Validate, new Dictionary<string, string>
        {
            ["Tenants__Spaces__cs-alpha__AccessTokenVariable"] = "HEALTHEVENTS_TEST_NO_SUCH_VARIABLE",
            ["Tenants__Spaces__cs-alpha__WabaIds__0"] = "12a",
            ["Tenants__Spaces__cs-alpha__ApiKeyFile"] = "/nonexistent/healthevents-api-key",
            ["Http__RequestsPerSecond"] = "0",
            ["Webhooks__Meta__AppSecretVariable"] = "HEALTHEVENTS_TEST_NO_SUCH_SECRET",
        });
        Assert.Equal(2, bad);
        Assert.Contains("Tenants:Spaces:cs-alpha:ApiKeyFile", badOutput, StringComparison.Ordinal);
        Assert.Contains("RequestsPerSecond", badOutput, StringComparison.Ordinal);
        Assert.Contains("Webhooks:Meta:AppSecretVariable", badOutput, StringComparison.Ordinal);
        Assert.Contains("Tenants:Spaces:cs-alpha:AccessTokenVariable", badOutput, StringComparison.Ordinal);
        Assert.Contains("'12a' is not a Graph id", badOutput, StringComparison.Ordinal);

        var (good, goodOutput) = await CliProcess.RunAsync(Validate, new Dictionary<string, string>
        {
            ["Tenants__Spaces__cs-alpha__AccessToken"] = "cli-test-token",
            ["Tenants__Spaces__cs-alpha__WabaIds__0"] = "102290129340398",
        });
        Assert.Equal(0, good);
        Assert.Contains("cs-alpha (1 WABA(s), 5/s)", goodOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("cli-test-token", goodOutput, StringComparison.Ordinal);
    }
}
