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
    /// <summary>Resolves the target, reading the WABA's listing from Meta if it is not cached (a Graph call the budget must have admitted).</summary>
    public async Task<Resolution> ResolveAsync(CheckTarget target, Tenant tenant, CancellationToken cancellationToken) =>
        (await ResolveAsync(target, tenant, callsAllowed: true, cancellationToken))!;

    /// <summary>Resolves the target from what is already known (the WABA itself, cached listings); null when that needs a Graph call.</summary>
    public Task<Resolution?> ResolveWithoutCallsAsync(CheckTarget target, Tenant tenant, CancellationToken cancellationToken) =>
        ResolveAsync(target, tenant, callsAllowed: false, cancellationToken);

    private async Task<Resolution?> ResolveAsync(CheckTarget target, Tenant tenant, bool callsAllowed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(tenant);
        var waba = target.WabaId;
        var caller = GraphCaller.For(tenant, waba);

        switch (target)
        {
            case CheckTarget.Waba:
                return new Resolution.Found(waba, new NodeIdentity { WabaId = waba });

            case CheckTarget.PhoneById byId:
                return await FromListingAsync(PhonesKey(caller), ct => graph.ListPhoneNumbersAsync(waba, caller, ct), callsAllowed, phones =>
                    phones.FirstOrDefault(p => p.Id == byId.PhoneNumberId) is { } phone ? FoundPhone(waba, phone)
                    : NotResolved(RejectionReasons.AccessDenied, $"Phone number id {byId.PhoneNumberId} is not a phone number of WABA {waba}."), cancellationToken);

            case CheckTarget.PhoneByNumber byNumber:
                var digits = PhoneNumbers.Normalize(byNumber.DisplayNumber);
                return await FromListingAsync(PhonesKey(caller), ct => graph.ListPhoneNumbersAsync(waba, caller, ct), callsAllowed, phones =>
                    phones.FirstOrDefault(p => PhoneNumbers.Normalize(p.DisplayPhoneNumber) == digits) is { } numbered ? FoundPhone(waba, numbered)
                    : NotResolved(RejectionReasons.NotFound, $"WABA {waba} has no phone number {byNumber.DisplayNumber}."), cancellationToken);

            case CheckTarget.TemplateById byId:
                return await FromListingAsync(TemplatesKey(caller, null), ct => graph.ListMessageTemplatesAsync(waba, null, caller, ct), callsAllowed, all =>
                    all.FirstOrDefault(t => t.Id == byId.TemplateId) is { } template ? FoundTemplate(waba, template)
                    : NotResolved(RejectionReasons.AccessDenied, $"Template id {byId.TemplateId} is not a template of WABA {waba}."), cancellationToken);

            case CheckTarget.TemplateByCode byCode:
                return await FromListingAsync(TemplatesKey(caller, byCode.Code), ct => graph.ListMessageTemplatesAsync(waba, byCode.Code, caller, ct), callsAllowed, named =>
                    named.FirstOrDefault(t => t.Name == byCode.Code && string.Equals(t.Language, byCode.Language, StringComparison.OrdinalIgnoreCase)) is { } coded ? FoundTemplate(waba, coded)
                    : NotResolved(RejectionReasons.NotFound, $"WABA {waba} has no template '{byCode.Code}' in language '{byCode.Language}'."), cancellationToken);

            default:
                throw new ArgumentOutOfRangeException(nameof(target), target.GetType().Name, "Unknown check target.");
        }
    }

    /// <summary>
    /// The node picked from a listing. Without calls, only a listing already read will do (null
    /// otherwise); with calls, a listing the budget deferred is the resolution's deferral.
    /// </summary>
    private async Task<Resolution?> FromListingAsync<T>(
        EdgeListingKey key, Func<CancellationToken, Task<GraphAnswer<IReadOnlyList<T>>>> list, bool callsAllowed,
        Func<IReadOnlyList<T>, Resolution> pick, CancellationToken cancellationToken)
    {
        if (!callsAllowed)
        {
            return listings.Peek<T>(key) is { } known ? pick(known) : null;
        }

        return await listings.GetAsync(key, list, cancellationToken) switch
        {
            GraphAnswer<IReadOnlyList<T>>.Answered answered => pick(answered.Value),
            GraphAnswer<IReadOnlyList<T>>.Deferred deferred => new Resolution.Deferred(deferred.Deferral),
            var other => throw new InvalidOperationException($"Unknown answer {other.GetType().Name}."),
        };
    }

    private static EdgeListingKey PhonesKey(GraphCaller caller) => new("phones", caller.CustSpaceId, caller.WabaId, "");

    // By code, Meta filters by name on its side; by id, the whole listing is needed.
    private static EdgeListingKey TemplatesKey(GraphCaller caller, string? name) => new("templates", caller.CustSpaceId, caller.WabaId, name ?? "");

    private static Resolution.Found FoundPhone(string waba, GraphPhoneNumber phone) =>
        new Resolution.Found(phone.Id, new NodeIdentity { WabaId = waba, PhoneNumber = phone.DisplayPhoneNumber, PhoneNumberId = phone.Id });

    private static Resolution.Found FoundTemplate(string waba, GraphMessageTemplate template) =>
        new Resolution.Found(template.Id, new NodeIdentity { WabaId = waba, TemplateCode = template.Name, TemplateId = template.Id, Language = template.Language });

    private static Resolution.NotResolved NotResolved(string reason, string detail) => new Resolution.NotResolved(new Rejection(reason, detail));
}
