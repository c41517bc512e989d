using HealthEvents.Core.Hosting;

namespace HealthEvents.UnitTests;

public class LogSafeTests
{
    [Theory]
    [InlineData("amqp://svc:s3cr%40t@rabbit:5671/healthevents", "amqp://rabbit:5671/healthevents")]
    [InlineData("https://graph.example/v1?access_token=abc#frag", "https://graph.example/v1")]
    [InlineData("amqps://rabbit/", "amqps://rabbit/")]
    public void Addresses_are_logged_without_credentials_or_query(string address, string logged)
    {
        var safe = LogSafe.Url(new Uri(address));

        Assert.Equal(logged, safe);
        Assert.DoesNotContain("s3cr", safe, StringComparison.Ordinal);
        Assert.DoesNotContain("abc", safe, StringComparison.Ordinal);
    }
}
