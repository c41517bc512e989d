using System.Net;
using HealthEvents.Graph.Errors;
using HealthEvents.Graph.Throttling;

namespace HealthEvents.UnitTests;

public class GraphErrorClassifierTests
{
    private const string Secret = "EAAG-canary-token";

    private static GraphApiException Classify(HttpStatusCode status, string body) =>
        GraphErrorClassifier.Classify(status, body, [], TimeSpan.FromSeconds(60), s => s.Replace(Secret, "***", StringComparison.Ordinal));

    [Theory]
    [InlineData(190, null, GraphPermanentReason.InvalidToken)]
    [InlineData(102, null, GraphPermanentReason.InvalidToken)]
    [InlineData(10, null, GraphPermanentReason.PermissionDenied)]
    [InlineData(200, null, GraphPermanentReason.PermissionDenied)]
    [InlineData(294, null, GraphPermanentReason.PermissionDenied)]
    [InlineData(100, 33, GraphPermanentReason.UnknownNode)]
    [InlineData(803, null, GraphPermanentReason.UnknownNode)]
    [InlineData(100, null, GraphPermanentReason.InvalidRequest)]
    public void Permanent_codes_are_typed(int code, int? subcode, GraphPermanentReason reason)
    {
        var sub = subcode is null ? "" : $",\"error_subcode\":{subcode}";
        var ex = Assert.IsType<GraphPermanentException>(Classify(HttpStatusCode.BadRequest, $$$"""{"error":{"message":"m","code":{{{code}}}{{{sub}}},"fbtrace_id":"T"}}"""));
        Assert.Equal(reason, ex.Reason);
        Assert.Equal("T", ex.Details.FbTraceId);
    }

    [Theory]
    [InlineData(4, ThrottleScope.App)]
    [InlineData(17, ThrottleScope.Tenant)]
    [InlineData(32, ThrottleScope.Tenant)]
    [InlineData(613, ThrottleScope.Tenant)]
    [InlineData(80007, ThrottleScope.Waba)]
    [InlineData(80004, ThrottleScope.Waba)]
    [InlineData(130429, ThrottleScope.Tenant)]
    public void Throttling_codes_name_their_scope_and_use_the_default_backoff_when_meta_gives_no_time(int code, ThrottleScope scope)
    {
        var ex = Assert.IsType<GraphThrottledException>(Classify(HttpStatusCode.BadRequest, $$$"""{"error":{"message":"slow down","code":{{{code}}}}}"""));
        Assert.Equal(TimeSpan.FromSeconds(60), ex.RetryAfter);
        Assert.Equal(scope, ex.Scope);
    }

    [Fact]
    public void A_throttle_lasts_as_long_as_the_usage_header_of_its_own_scope_says()
    {
        var ex = Assert.IsType<GraphThrottledException>(GraphErrorClassifier.Classify(HttpStatusCode.BadRequest, """{"error":{"message":"x","code":4}}""",
            [new MetaPause(ThrottleScope.Waba, TimeSpan.FromMinutes(9)), new MetaPause(ThrottleScope.App, TimeSpan.FromMinutes(2))], TimeSpan.FromSeconds(60), s => s));
        Assert.Equal(new MetaPause(ThrottleScope.App, TimeSpan.FromMinutes(2)), ex.Pause);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, """{"error":{"message":"x","code":2}}""")]
    [InlineData(HttpStatusCode.BadRequest, """{"error":{"message":"x","code":1}}""")]
    [InlineData(HttpStatusCode.BadRequest, """{"error":{"message":"x","code":100,"is_transient":true}}""")]
    [InlineData(HttpStatusCode.BadGateway, "<html>bad gateway</html>")]
    public void Server_errors_and_metas_transient_codes_are_transient(HttpStatusCode status, string body) =>
        Assert.IsType<GraphTransientException>(Classify(status, body));

    [Fact]
    public void A_token_echoed_by_the_upstream_never_reaches_the_exception()
    {
        var ex = Classify(HttpStatusCode.BadRequest, $$$"""{"error":{"message":"Invalid token {{{Secret}}}","code":190}}""");
        Assert.DoesNotContain(Secret, ex.ToString(), StringComparison.Ordinal);
        Assert.Contains("***", ex.Message, StringComparison.Ordinal);
    }
}
