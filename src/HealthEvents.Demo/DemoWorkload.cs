using HealthEvents.Contracts;
using HealthEvents.GraphSimulator.Scenarios;

namespace HealthEvents.Demo;

/// <summary>
/// The demo's requests, built from the scenario: every WABA, phone number (by display number) and
/// template (by code and language) of every tenant, plus a few bad requests that must be refused
/// without a Graph call. Phone checks ask for a campaign of <see cref="CampaignSize"/> recipients,
/// so each answer's verdict compares it with the number's messaging limit.
/// </summary>
public static class DemoWorkload
{
    public const int CampaignSize = 1_000;

    public static IReadOnlyList<HealthCheckRequested> Round(Scenario scenario, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var requests = new List<HealthCheckRequested>();
        foreach (var token in scenario.Tokens)
        {
            foreach (var waba in scenario.Wabas.Where(w => token.WabaIds.Contains(w.Id)))
            {
                requests.Add(new() { CustSpaceId = token.Name, NodeType = NodeTypes.Waba, WabaId = waba.Id, RequestedAt = now });
                requests.AddRange(waba.PhoneNumbers.Select(p => new HealthCheckRequested
                {
                    CustSpaceId = token.Name,
                    NodeType = NodeTypes.Phone,
                    WabaId = waba.Id,
                    PhoneNumber = p.DisplayPhoneNumber,
                    PlannedRecipients = CampaignSize,
                    RequestedAt = now,
                }));
                requests.AddRange(waba.Templates.Select(t => new HealthCheckRequested
                {
                    CustSpaceId = token.Name,
                    NodeType = NodeTypes.Template,
                    WabaId = waba.Id,
                    TemplateCode = t.Name,
                    Language = t.Language,
                    RequestedAt = now,
                }));
            }
        }

        return requests;
    }

    public static IReadOnlyList<HealthCheckRequested> BadRequests(Scenario scenario, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var first = scenario.Tokens[0];
        var foreignWaba = scenario.Wabas.First(w => !first.WabaIds.Contains(w.Id)).Id;
        return
        [
            new() { CustSpaceId = first.Name, NodeType = "flow", WabaId = first.WabaIds[0], RequestedAt = now },
            new() { CustSpaceId = first.Name, NodeType = NodeTypes.Waba, WabaId = foreignWaba, RequestedAt = now },
            new() { CustSpaceId = first.Name, NodeType = NodeTypes.Phone, WabaId = first.WabaIds[0], PhoneNumber = "+1 555 999 0000", RequestedAt = now },
        ];
    }
}
