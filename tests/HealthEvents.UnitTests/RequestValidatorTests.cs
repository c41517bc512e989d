using HealthEvents.Contracts;
using HealthEvents.Core.HealthChecks;

namespace HealthEvents.UnitTests;

public class RequestValidatorTests
{
    private static readonly HealthCheckRequested Waba = new() { CustSpaceId = "cs-1", NodeType = NodeTypes.Waba, WabaId = "102290129340398" };

    public static TheoryData<HealthCheckRequested, string> Invalid() => new()
    {
        { Waba with { CustSpaceId = "" }, "CustSpaceId" },
        { Waba with { CustSpaceId = "has space" }, "CustSpaceId" },
        { Waba with { CustSpaceId = new string('a', 65) }, "CustSpaceId" },
        { Waba with { NodeType = "WABA" }, "NodeType" },
        { Waba with { NodeType = "flow" }, "NodeType" },
        { Waba with { WabaId = null }, "WabaId" },
        { Waba with { WabaId = "12/34" }, "WabaId" },
        { Waba with { MaxAge = TimeSpan.FromSeconds(-1) }, "MaxAge" },
        { Waba with { PlannedRecipients = 0 }, "PlannedRecipients" },
        { Waba with { PlannedRecipients = -5 }, "PlannedRecipients" },
        { Waba with { PlannedRecipients = 1_000_000_001 }, "PlannedRecipients" },
        { Waba with { NodeType = NodeTypes.Phone }, "exactly one" },
        { Waba with { NodeType = NodeTypes.Phone, PhoneNumber = "+1 555 0100 01", PhoneNumberId = "1" }, "exactly one" },
        { Waba with { NodeType = NodeTypes.Phone, PhoneNumberId = "abc" }, "PhoneNumberId" },
        { Waba with { NodeType = NodeTypes.Phone, PhoneNumber = "'; DROP TABLE" }, "PhoneNumber" },
        { Waba with { NodeType = NodeTypes.Template }, "TemplateId" },
        { Waba with { NodeType = NodeTypes.Template, TemplateCode = "order_update" }, "Language" },
        { Waba with { NodeType = NodeTypes.Template, TemplateCode = "x", Language = "en/../../" }, "Language" },
        { Waba with { NodeType = NodeTypes.Template, TemplateCode = new string('x', 513), Language = "en" }, "TemplateCode" },
        { Waba with { NodeType = NodeTypes.Template, TemplateCode = "a\u0000b", Language = "en" }, "TemplateCode" },
        { Waba with { NodeType = NodeTypes.Template, TemplateId = "9x" }, "TemplateId" },
    };

    [Fact]
    public void Every_node_type_of_the_contracts_has_its_target_and_no_other()
    {
        Assert.Equal(NodeTypes.All.Order(StringComparer.Ordinal), CheckTarget.KnownNodeTypes.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_requests_are_rejected_naming_the_field(HealthCheckRequested request, string mentions)
    {
        Assert.False(RequestValidator.TryValidate(request, 300, out var target, out var rejection));

        Assert.Null(target);
        Assert.Equal(RejectionReasons.Invalid, rejection.Reason);
        Assert.Contains(mentions, rejection.Detail, StringComparison.Ordinal);
    }

    public static TheoryData<HealthCheckRequested> Valid() => new()
    {
        Waba,
        Waba with { MaxAge = TimeSpan.FromMinutes(5) },
        Waba with { NodeType = NodeTypes.Phone, PhoneNumber = "+86 138-0000-0001" },
        Waba with { NodeType = NodeTypes.Phone, PhoneNumberId = "106540352242922" },
        Waba with { NodeType = NodeTypes.Template, TemplateCode = "order_update", Language = "pt_BR" },
        Waba with { NodeType = NodeTypes.Template, TemplateId = "2632273056924580" },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Well_formed_requests_pass(HealthCheckRequested request)
    {
        Assert.True(RequestValidator.TryValidate(request, 300, out var target, out var rejection));

        Assert.Null(rejection);
        Assert.Equal(request.CustSpaceId, target.CustSpaceId);
        Assert.Equal(request.NodeType, target.NodeType);
        Assert.Equal(request.WabaId, target.WabaId);
        Assert.Equal(request.MaxAge, target.MaxAge);
    }

    [Fact]
    public void An_oversized_message_is_rejected_whatever_it_says()
    {
        Assert.False(RequestValidator.TryValidate(Waba, RequestValidator.MaxMessageBytes + 1, out _, out var rejection));
        Assert.Equal(RejectionReasons.Invalid, rejection.Reason);
        Assert.Contains("bytes", rejection.Detail, StringComparison.Ordinal);
    }
}
