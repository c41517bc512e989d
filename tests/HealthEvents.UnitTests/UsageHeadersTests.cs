using System.Net.Http.Headers;
using HealthEvents.Graph.Throttling;

namespace HealthEvents.UnitTests;

public class UsageHeadersTests
{
    private static HttpResponseHeaders Headers(params (string Name, string Value)[] values)
    {
        using var response = new HttpResponseMessage();
        foreach (var (name, value) in values)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response.Headers;
    }

    [Fact]
    public void Business_use_case_regain_time_is_read_in_minutes_and_the_longest_wins()
    {
        var header = """{"506914307656634":[{"type":"whatsapp_business_management","call_count":100,"estimated_time_to_regain_access":2},{"type":"messaging","estimated_time_to_regain_access":5}]}""";
        Assert.Equal([new MetaPause(ThrottleScope.Waba, TimeSpan.FromMinutes(5))], UsageHeaders.Pauses(Headers(("X-Business-Use-Case-Usage", header)), TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public void Full_app_usage_pauses_the_whole_app_for_the_default_time()
    {
        Assert.Equal([new MetaPause(ThrottleScope.App, TimeSpan.FromSeconds(60))], UsageHeaders.Pauses(Headers(("X-App-Usage", """{"call_count":100,"total_time":20}""")), TimeSpan.FromSeconds(60)));
        Assert.Empty(UsageHeaders.Pauses(Headers(("X-App-Usage", """{"call_count":42,"total_time":20}""")), TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public void Retry_after_header_pauses_the_callers_token() =>
        Assert.Equal([new MetaPause(ThrottleScope.Tenant, TimeSpan.FromSeconds(7))], UsageHeaders.Pauses(Headers(("Retry-After", "7")), TimeSpan.FromSeconds(60)));

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"1":"x"}""")]
    [InlineData("""{"1":[{"estimated_time_to_regain_access":0}]}""")]
    public void Unreadable_or_zero_values_mean_no_pause(string header) =>
        Assert.Empty(UsageHeaders.Pauses(Headers(("X-Business-Use-Case-Usage", header)), TimeSpan.FromSeconds(60)));
}
