using System.Text;
using System.Text.Json;
using HealthEvents.Contracts;
using HealthEvents.Core.HealthChecks;

namespace HealthEvents.UnitTests.HealthChecks;

/// <summary>The look at a raw envelope before MassTransit deserialises it.</summary>
public class RequestScreenSpecs
{
    private static readonly Guid MessageId = Guid.Parse("6f1c5b2e-0000-4000-8000-000000000001");
    private static readonly Guid RequestId = Guid.Parse("6f1c5b2e-0000-4000-8000-000000000002");

    private static byte[] Envelope(object? message, string messageType = RequestScreen.MessageUrn) =>
        JsonSerializer.SerializeToUtf8Bytes(new
        {
            messageId = MessageId,
            requestId = RequestId,
            responseAddress = "rabbitmq://localhost/sender?temporary=true",
            messageType = new[] { messageType },
            message,
        });

    [Fact]
    public void A_well_formed_request_is_left_to_masstransit_and_the_validator() =>
        Assert.IsType<RequestScreen.Screened.Readable>(RequestScreen.Screen(Envelope(new { custSpaceId = "alpha", nodeType = "nope", wabaId = "1", maxAge = "00:05:00", requestedAt = "2026-11-24T00:00:00Z", plannedRecipients = 5000 })));

    [Theory]
    [InlineData("""{"custSpaceId":7,"nodeType":"waba"}""", "custSpaceId", "a number")]
    [InlineData("""{"custSpaceId":"alpha","nodeType":{"a":1}}""", "nodeType", "an object")]
    [InlineData("""{"custSpaceId":"alpha","nodeType":"waba","wabaId":[1]}""", "wabaId", "an array")]
    [InlineData("""{"custSpaceId":"alpha","nodeType":"waba","maxAge":"soon"}""", "maxAge", "soon")]
    [InlineData("""{"custSpaceId":"alpha","nodeType":"waba","requestedAt":true}""", "requestedAt", "true or false")]
    [InlineData("""{"custSpaceId":"alpha","nodeType":"waba","plannedRecipients":"5000"}""", "plannedRecipients", "must be a whole number")]
    [InlineData("""{"custSpaceId":"alpha","nodeType":"waba","plannedRecipients":2.5}""", "plannedRecipients", "not a whole number")]
    [InlineData("""{"custSpaceId":"alpha","nodeType":"waba","plannedRecipients":99999999999}""", "plannedRecipients", "not a whole number")]
    [InlineData("""{"nodeType":"waba"}""", "custSpaceId", "missing")]
    [InlineData("""{}""", "custSpaceId, nodeType", "missing")]
    public void A_request_that_cannot_be_read_names_the_field(string message, string field, string what)
    {
        var unreadable = Assert.IsType<RequestScreen.Screened.Unreadable>(RequestScreen.Screen(Envelope(JsonDocument.Parse(message).RootElement)));

        Assert.Equal(RejectionReasons.Invalid, unreadable.Problem.Reason);
        Assert.Contains(field, unreadable.Problem.Detail, StringComparison.Ordinal);
        Assert.Contains(what, unreadable.Problem.Detail, StringComparison.Ordinal);
        Assert.Equal(new RequestScreen.EnvelopeIds(MessageId, RequestId, null, new Uri("rabbitmq://localhost/sender?temporary=true")), unreadable.Ids);
    }

    [Fact]
    public void A_null_message_is_unreadable_and_what_could_be_read_is_kept_for_the_answer()
    {
        Assert.IsType<RequestScreen.Screened.Unreadable>(RequestScreen.Screen(Envelope(null)));

        var partial = Assert.IsType<RequestScreen.Screened.Unreadable>(
            RequestScreen.Screen(Envelope(new { custSpaceId = "alpha", nodeType = "waba", wabaId = 12 }))).PartialRequest;
        Assert.Equal("alpha", partial.CustSpaceId);
        Assert.Null(partial.WabaId);
    }

    [Fact]
    public void An_oversized_request_is_refused_by_its_size_without_reading_it_all()
    {
        var body = Envelope(new { custSpaceId = "alpha", nodeType = "template", templateCode = new string('x', 2_000_000) });

        var unreadable = Assert.IsType<RequestScreen.Screened.Unreadable>(RequestScreen.Screen(body));

        Assert.Contains($"{body.Length} bytes", unreadable.Problem.Detail, StringComparison.Ordinal);
        Assert.Equal(MessageId, unreadable.Ids.MessageId);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("[1,2]")]
    [InlineData("")]
    public void Bytes_that_are_not_an_envelope_are_left_to_masstransit(string body) =>
        Assert.IsType<RequestScreen.Screened.NotARequest>(RequestScreen.Screen(Encoding.UTF8.GetBytes(body)));

    [Fact]
    public void Other_message_types_are_not_judged() =>
        Assert.IsType<RequestScreen.Screened.NotARequest>(RequestScreen.Screen(Envelope(new { custSpaceId = 7 }, "urn:message:Someone:Else")));
}
