namespace HealthEvents.IntegrationTests.Support;

/// <summary>
/// What a test does when a server or tool it needs is missing: it skips, saying why, unless the
/// named environment variable is <c>1</c> (as <c>.ci/run</c> sets <c>HEALTHEVENTS_REQUIRE_BROKER</c>
/// and <c>HEALTHEVENTS_REQUIRE_BROWSER</c>), when it fails instead, so CI cannot go green without it.
/// </summary>
public static class Requirement
{
    public static bool IsRequired(string variable) => Environment.GetEnvironmentVariable(variable) == "1";

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void Missing(string variable, string problem)
    {
        if (IsRequired(variable))
        {
            Assert.Fail($"{variable}=1 and {problem}");
        }

        Assert.Skip(problem);
    }
}
