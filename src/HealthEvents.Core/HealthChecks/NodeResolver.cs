using HealthEvents.Contracts;
using HealthEvents.Domain.HealthChecks;
using HealthEvents.Domain.Tenants;
using HealthEvents.Graph;
using HealthEvents.Storage;

namespace HealthEvents.Core.HealthChecks;

/// <summary>
/// Turns a <see cref="CheckTarget"/> into the Graph node to check: the WABA itself, a phone number
/// found on the WABA's <c>phone_numbers</c> edge (by display number or id) or a template found on
/// its <c>message_templates</c> edge (by code and language, or id). Looking ids up on the tenant's
/// own WABA is also what proves the tenant owns the node. Listings come from
/// <see cref="EdgeListingCache"/>, so concurrent look-ups of one listing share one Graph call.
/// </summary>
public sealed class NodeResolver(GraphApiClient graph, EdgeListingCache listings)
{
    public async Task<Resolution> ResolveAsync(CheckTarget target, Tenant tenant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(tenant);
        var waba = target.WabaId;
        var caller = GraphCaller.For(tenant);
        switch (target)
        {
            case CheckTarget.PhoneById byId:
                var phone = (await PhonesAsync(caller, waba, cancellationToken)).FirstOrDefault(p => p.Id == byId.PhoneNumberId);
                return phone is null
                    ? NotResolved(RejectionReasons.AccessDenied, $"Phone number id {byId.PhoneNumberId} is not a phone number of WABA {waba}.")
                    : FoundPhone(waba, phone);

            case CheckTarget.PhoneByNumber byNumber:
                var digits = PhoneNumbers.Normalize(byNumber.DisplayNumber);
                var numbered = (await PhonesAsync(caller, waba, cancellationToken)).FirstOrDefault(p => PhoneNumbers.Normalize(p.DisplayPhoneNumber) == digits);
                return numbered is null
                    ? NotResolved(RejectionReasons.NotFound, $"WABA {waba} has no phone number {byNumber.DisplayNumber}.")
                    : FoundPhone(waba, numbered);

            case CheckTarget.TemplateById byId:
                var template = (await TemplatesAsync(caller, waba, null, cancellationToken)).FirstOrDefault(t => t.Id == byId.TemplateId);
                return template is null
                    ? NotResolved(RejectionReasons.AccessDenied, $"Template id {byId.TemplateId} is not a template of WABA {waba}.")
                    : FoundTemplate(waba, template);

            case CheckTarget.TemplateByCode byCode:
                var coded = (await TemplatesAsync(caller, waba, byCode.Code, cancellationToken))
                    .FirstOrDefault(t => t.Name == byCode.Code && string.Equals(t.Language, byCode.Language, StringComparison.OrdinalIgnoreCase));
                return coded is null
                    ? NotResolved(RejectionReasons.NotFound, $"WABA {waba} has no template '{byCode.Code}' in language '{byCode.Language}'.")
                    : FoundTemplate(waba, coded);

            case CheckTarget.Waba:
                return new Resolution.Found(waba, new NodeIdentity { WabaId = waba });

            default:
                throw new ArgumentOutOfRangeException(nameof(target), target.GetType().Name, "Unknown check target.");
        }
    }

    private Task<IReadOnlyList<GraphPhoneNumber>> PhonesAsync(GraphCaller caller, string waba, CancellationToken cancellationToken) =>
        listings.GetAsync(new EdgeListingKey("phones", caller.CustSpaceId, waba, ""),
            ct => graph.ListPhoneNumbersAsync(waba, caller, ct), cancellationToken);

    // By code, Meta filters by name on its side; by id, the whole listing is needed.
    private Task<IReadOnlyList<GraphMessageTemplate>> TemplatesAsync(GraphCaller caller, string waba, string? name, CancellationToken cancellationToken) =>
        listings.GetAsync(new EdgeListingKey("templates", caller.CustSpaceId, waba, name ?? ""),
            ct => graph.ListMessageTemplatesAsync(waba, name, caller, ct), cancellationToken);

    private static Resolution.Found FoundPhone(string waba, GraphPhoneNumber phone) =>
        new Resolution.Found(phone.Id, new NodeIdentity { WabaId = waba, PhoneNumber = phone.DisplayPhoneNumber, PhoneNumberId = phone.Id });

    private static Resolution.Found FoundTemplate(string waba, GraphMessageTemplate template) =>
        new Resolution.Found(template.Id, new NodeIdentity { WabaId = waba, TemplateCode = template.Name, TemplateId = template.Id, Language = template.Language });

    private static Resolution.NotResolved NotResolved(string reason, string detail) => new Resolution.NotResolved(new Rejection(reason, detail));
}
