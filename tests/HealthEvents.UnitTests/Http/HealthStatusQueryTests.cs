using HealthEvents.Http.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace HealthEvents.UnitTests.Http;

public class HealthStatusQueryTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 6, 0, 0, TimeSpan.Zero);

    private static QueryCollection Query(params (string Name, string Value)[] values) =>
        new(values.GroupBy(v => v.Name).ToDictionary(g => g.Key, g => new StringValues([.. g.Select(v => v.Value)])));

    [Fact]
    public void Alibabas_parameter_names_make_the_request_and_MaxAge_reads_seconds_time_spans_and_ISO_durations()
    {
        var (request, code, _) = HealthStatusQuery.Read(Query(("Action", "GetWhatsappHealthStatus"), ("CustSpaceId", "cs"), ("NodeType", "template"),
            ("WabaId", "1"), ("TemplateCode", "promo"), ("Language", "en"), ("MaxAge", "PT5M"), ("Version", "2020-06-06")), Now);
        Assert.Null(code);
        Assert.Equal(("cs", "template", "1", "promo", "en", Now), (request!.CustSpaceId, request.NodeType, request.WabaId, request.TemplateCode, request.Language, request.RequestedAt));
        Assert.Equal(TimeSpan.FromMinutes(5), request.MaxAge);
        Assert.Equal(TimeSpan.FromSeconds(300), HealthStatusQuery.ParseDuration("300"));
        Assert.Equal(TimeSpan.FromMinutes(5), HealthStatusQuery.ParseDuration("00:05:00"));
        Assert.Null(HealthStatusQuery.ParseDuration("-5"));
        Assert.Null(HealthStatusQuery.ParseDuration("P-junk"));
        Assert.True(HealthStatusQuery.IsAlibabaForm(Query(("Action", "GetWhatsappHealthStatus"))));
        Assert.False(HealthStatusQuery.IsAlibabaForm(Query(("CustSpaceId", "cs"))));
    }

    [Theory]
    [InlineData("", "MissingParameter", "CustSpaceId")]
    [InlineData("CustSpaceId=cs", "MissingParameter", "NodeType")]
    [InlineData("CustSpaceId=cs&NodeType=waba&Action=Other", "InvalidParameter", "Action")]
    [InlineData("CustSpaceId=cs&NodeType=waba&WabaId=1&WabaId=2", "InvalidParameter", "WabaId")]
    [InlineData("CustSpaceId=cs&NodeType=waba&MaxAge=later", "InvalidParameter", "MaxAge")]
    public void A_parameter_problem_names_the_parameter(string query, string expectedCode, string named)
    {
        var parsed = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query);
        var (request, code, problem) = HealthStatusQuery.Read(new QueryCollection(parsed), Now);
        Assert.Null(request);
        Assert.Equal(expectedCode, code);
        Assert.Contains(named, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Codes_map_to_one_status_each_and_every_rejection_reason_has_a_code()
    {
        Assert.Equal(200, ApiCodes.StatusOf(ApiCodes.Ok));
        Assert.Equal(429, ApiCodes.StatusOf(ApiCodes.ApiThrottled));
        Assert.Equal(504, ApiCodes.StatusOf(ApiCodes.Timeout));
        foreach (var reason in typeof(HealthEvents.Contracts.RejectionReasons).GetFields().Select(f => (string)f.GetValue(null)!))
        {
            Assert.InRange(ApiCodes.StatusOf(ApiCodes.ForRejection(reason)), 400, 599);
        }
    }
}
