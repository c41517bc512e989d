using System.Text;
using System.Text.Json;
using HealthEvents.Contracts;
using HealthEvents.Domain.Tenants;
using HealthEvents.Http.Webhooks;

namespace HealthEvents.UnitTests.Http;

public class MetaWebhookMapperTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 6, 0, 0, TimeSpan.Zero);

    private static readonly ITenantRegistry Tenants = TenantRegistry.Build(new TenantsOptions
    {
        Spaces =
        {
            ["alpha"] = new TenantOptions { AccessToken = "a", WabaIds = ["111"] },
            ["shared"] = new TenantOptions { AccessToken = "s", WabaIds = ["111", "222"] },
        },
    });

    private static IReadOnlyList<WebhookChange>? Map(string json) => MetaWebhookMapper.Map(JsonDocument.Parse(json).RootElement, Tenants, Now);

    private static string Delivery(string waba, params (string Field, string Value)[] changes) =>
        $$"""{"object":"whatsapp_business_account","entry":[{"id":"{{waba}}","time":1,"changes":[{{string.Join(",", changes.Select(c => $$"""{"field":"{{c.Field}}","value":{{c.Value}}}"""))}}]}]}""";

    [Fact]
    public void Each_health_field_names_its_node_for_every_tenant_that_owns_the_WABA_and_skips_the_store()
    {
        var changes = Map(Delivery("222",
            ("account_update", """{"event":"ACCOUNT_RESTRICTION"}"""),
            ("account_alerts", """{"entity_type":"PHONE_NUMBER","entity_id":"333"}"""),
            ("account_alerts", """{"entity_type":"WABA","entity_id":"222"}"""),
            ("phone_number_quality_update", """{"display_phone_number":"+1 555 0100","event":"FLAGGED"}"""),
            ("message_template_status_update", """{"event":"REJECTED","message_template_id":444}"""),
            ("message_template_quality_update", """{"new_quality_score":"RED","message_template_id":"555"}"""),
            ("business_capability_update", """{"max_daily_conversation_per_phone":250}""")))!;

        var rechecks = changes.Select(c => c.Recheck!).ToList();
        Assert.All(changes, c => Assert.Equal(MetaWebhookMapper.Rechecked, c.Handling));
        Assert.All(rechecks, r => Assert.Equal(("shared", "222", TimeSpan.Zero, Now), (r.CustSpaceId, r.WabaId, r.MaxAge!.Value, r.RequestedAt)));
        Assert.Equal(
            [NodeTypes.Waba, NodeTypes.Phone, NodeTypes.Waba, NodeTypes.Phone, NodeTypes.Template, NodeTypes.Template, NodeTypes.Waba],
            rechecks.Select(r => r.NodeType));
        Assert.Equal("333", rechecks[1].PhoneNumberId);
        Assert.Equal("+1 555 0100", rechecks[3].PhoneNumber);
        Assert.Equal(("444", "555"), (rechecks[4].TemplateId, rechecks[5].TemplateId));

        var owners = Map(Delivery("111", ("account_update", "{}")))!;
        Assert.Equal(["alpha", "shared"], owners.Select(c => c.Recheck!.CustSpaceId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Unknown_fields_unknown_WABAs_and_unusable_values_are_named_not_rechecked_and_other_objects_are_not_deliveries()
    {
        var changes = Map(Delivery("111",
            ("messages", """{"messaging_product":"whatsapp"}"""),
            ("phone_number_quality_update", """{"event":"FLAGGED"}"""),
            ("message_template_status_update", """{"message_template_id":"not-an-id"}""")))!;
        Assert.Equal([MetaWebhookMapper.UnknownField, MetaWebhookMapper.UnusableValue, MetaWebhookMapper.UnusableValue, MetaWebhookMapper.UnusableValue, MetaWebhookMapper.UnusableValue],
            changes.Select(c => c.Handling));
        Assert.All(changes, c => Assert.Null(c.Recheck));
        Assert.Equal(MetaWebhookMapper.UnknownWaba, Assert.Single(Map(Delivery("999", ("account_update", "{}")))!).Handling);
        Assert.Null(Map("""{"object":"page","entry":[]}"""));
        Assert.Null(Map("[]"));
        Assert.Empty(Map("""{"object":"whatsapp_business_account","entry":[{"id":"111"},{"changes":"x"},1]}""")!);
    }

    [Fact]
    public void A_signature_is_HMAC_SHA256_of_the_raw_body_with_the_app_secret_and_nothing_else_passes()
    {
        var secret = Encoding.UTF8.GetBytes("app-secret");
        var body = Encoding.UTF8.GetBytes(Delivery("111", ("account_update", "{}")));
        var signature = WebhookSignature.Sign(body, secret);
        Assert.Matches("^sha256=[0-9a-f]{64}$", signature);
        Assert.True(WebhookSignature.IsValid(body, signature, secret));
        Assert.True(WebhookSignature.IsValid(body, signature.ToUpperInvariant().Replace("SHA256=", "sha256=", StringComparison.Ordinal), secret));
        Assert.False(WebhookSignature.IsValid(body, signature, Encoding.UTF8.GetBytes("other")));
        Assert.False(WebhookSignature.IsValid([.. body, (byte)' '], signature, secret));
        Assert.False(WebhookSignature.IsValid(body, null, secret));
        Assert.False(WebhookSignature.IsValid(body, signature[7..], secret));
        Assert.False(WebhookSignature.IsValid(body, "sha256=" + new string('g', 64), secret));
        Assert.False(WebhookSignature.IsValid(body, signature + "00", secret));
    }
}
