using HealthEvents.Contracts;
using HealthEvents.GraphSimulator.Scenarios;

namespace HealthEvents.IntegrationTests.Support;

/// <summary>Scenarios built in code so each test states the world it runs in.</summary>
public static class TestScenarios
{
    public const string AlphaToken = "test-token-alpha-7f3c";
    public const string BetaToken = "test-token-beta-91d2";
    public const string AlphaWaba = "102290129340398";
    public const string AlphaPhone = "106540352242922";
    public const string AlphaPhoneDisplay = "+1 555-010-0001";
    public const string AlphaTemplate = "2632273056924580";
    public const string BetaWaba = "203300000000001";
    public const string BetaPhone = "206500000000001";

    /// <summary>A WABA check as a sending pipeline would publish it (alpha's WABA unless told otherwise).</summary>
    public static HealthCheckRequested WabaCheck(string tenant = "alpha", string waba = AlphaWaba, TimeSpan? maxAge = null) =>
        new() { CustSpaceId = tenant, NodeType = NodeTypes.Waba, WabaId = waba, MaxAge = maxAge, RequestedAt = DateTimeOffset.UtcNow };

    public static Scenario TwoTenants(int extraPhones = 0) => new()
    {
        Tokens =
        [
            new ScenarioToken { Name = "alpha", Token = AlphaToken, WabaIds = [AlphaWaba] },
            new ScenarioToken { Name = "beta", Token = BetaToken, WabaIds = [BetaWaba] },
        ],
        Wabas =
        [
            new ScenarioWaba
            {
                Id = AlphaWaba, BusinessId = "506914307656634", AppId = "634974688087057",
                PhoneNumbers =
                [
                    new ScenarioPhoneNumber { Id = AlphaPhone, DisplayPhoneNumber = AlphaPhoneDisplay },
                    .. Enumerable.Range(1, extraPhones).Select(i => new ScenarioPhoneNumber
                    {
                        Id = (900000000000000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture),
                        DisplayPhoneNumber = $"+1 555-020-{i:0000}",
                    }),
                ],
                Templates =
                [
                    new ScenarioTemplate { Id = AlphaTemplate, Name = "order_update", Language = "en", Status = "PENDING" },
                    new ScenarioTemplate { Id = "2632273056924581", Name = "order_update", Language = "es" },
                ],
            },
            new ScenarioWaba
            {
                Id = BetaWaba, BusinessId = "606900000000001", AppId = "634974688087057",
                PhoneNumbers = [new ScenarioPhoneNumber { Id = BetaPhone, DisplayPhoneNumber = "+86 138-0000-0001" }],
            },
        ],
        Health = new()
        {
            [AlphaPhone] = new NodeHealth
            {
                CanSendMessage = "LIMITED",
                AdditionalInfo = ["Your display name has not been approved yet. Your message limit will increase after the display name is approved."],
            },
            [AlphaTemplate] = new NodeHealth
            {
                CanSendMessage = "BLOCKED",
                Errors = [new NodeHealthError(141002, "Message templates can only be sent out if they are approved.", "Edit or appeal the message template review decision.")],
            },
        },
    };
}

/// <summary>Scenarios with many tenants, for throttling and crash tests.</summary>
public static class ManyTenants
{
    public static string Tenant(int i) => $"t{i:00}";

    public static string Waba(int i) => (300000000000000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string Phone(int i, int p) => (400000000000000 + (i * 100) + p).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string Display(int i, int p) => $"+1 555 {i:000} {p:0000}";

    /// <summary>A check of phone <paramref name="p"/> of tenant <paramref name="i"/>, by its Graph id.</summary>
    public static HealthCheckRequested PhoneCheck(int i, int p) => new()
    {
        CustSpaceId = Tenant(i),
        NodeType = NodeTypes.Phone,
        WabaId = Waba(i),
        PhoneNumberId = Phone(i, p),
        RequestedAt = DateTimeOffset.UtcNow,
    };

    public static Scenario Create(int tenants, int phonesEach) => new()
    {
        Tokens = [.. Enumerable.Range(1, tenants).Select(i => new ScenarioToken { Name = Tenant(i), Token = $"token-{Tenant(i)}-{Guid.NewGuid():N}", WabaIds = [Waba(i)] })],
        Wabas = [.. Enumerable.Range(1, tenants).Select(i => new ScenarioWaba
        {
            Id = Waba(i), BusinessId = (500000000000000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), AppId = "634974688087057",
            PhoneNumbers = [.. Enumerable.Range(1, phonesEach).Select(p => new ScenarioPhoneNumber { Id = Phone(i, p), DisplayPhoneNumber = Display(i, p) })],
        })],
        Latency = new LatencySettings { MinMs = 5, MaxMs = 25 },
    };
}
