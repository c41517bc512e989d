using HealthEvents.Contracts;
using HealthEvents.Domain.HealthChecks;
using HealthEvents.Domain.Tenants;
using HealthEvents.Graph;
using HealthEvents.Storage;

namespace HealthEvents.Core.HealthChecks;

/// <summary>
/// Turns a <see cref="CheckTarget"/> into the Graph node to check. Each kind of target resolves
/// itself (<see cref="CheckTarget.ResolveAsync"/>) with a <see cref="NodeLookup"/>: the tenant's own
/// WABA's <c>phone_numbers</c> and <c>message_templates</c> edges, which is also what proves the
/// tenant owns the node. Listings come from <see cref="EdgeListingCache"/>, so concurrent look-ups
/// of one listing share one Graph call; without calls, only a listing already read is used.
/// </summary>
public sealed class NodeResolver(GraphApiClient graph, EdgeListingCache listings)
{
    private GraphApiClient Graph => graph;

    /// <summary>Resolves the target, reading the WABA's listing from Meta if it is not cached (a Graph call the budget must have admitted).</summary>
    public async Task<Resolution> ResolveAsync(CheckTarget target, Tenant tenant, CancellationToken cancellationToken) =>
        (await ResolveAsync(target, tenant, callsAllowed: true, cancellationToken))!;

    /// <summary>Resolves the target from what is already known (the WABA itself, cached listings); null when that needs a Graph call.</summary>
    public Task<Resolution?> ResolveWithoutCallsAsync(CheckTarget target, Tenant tenant, CancellationToken cancellationToken) =>
        ResolveAsync(target, tenant, callsAllowed: false, cancellationToken);

    private Task<Resolution?> ResolveAsync(CheckTarget target, Tenant tenant, bool callsAllowed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(tenant);
        // Each kind of target knows which listing names its node and how to find it there.
        return target.ResolveAsync(new NodeLookup(this, GraphCaller.For(tenant, target.WabaId), callsAllowed), cancellationToken);
    }

    /// <summary>What a <see cref="CheckTarget"/> resolves itself with: the tenant's own WABA's listings, read (or only peeked at) for one caller.</summary>
    public sealed class NodeLookup
    {
        private readonly NodeResolver _resolver;
        private readonly bool _callsAllowed;

        internal NodeLookup(NodeResolver resolver, GraphCaller caller, bool callsAllowed)
        {
            _resolver = resolver;
            Caller = caller;
            _callsAllowed = callsAllowed;
        }

        public GraphCaller Caller { get; }

        public string WabaId => Caller.WabaId;

        /// <summary>The node picked from the WABA's phone numbers.</summary>
        public Task<Resolution?> InPhonesAsync(Func<IReadOnlyList<GraphPhoneNumber>, Resolution> pick, CancellationToken cancellationToken) =>
            _resolver.FromListingAsync(new("phones", Caller.CustSpaceId, Caller.WabaId, ""),
                ct => _resolver.Graph.ListPhoneNumbersAsync(Caller.WabaId, Caller, ct), _callsAllowed, pick, cancellationToken);

        /// <summary>The node picked from the WABA's templates; by code, Meta filters by name on its side, by id the whole listing is needed.</summary>
        public Task<Resolution?> InTemplatesAsync(string? name, Func<IReadOnlyList<GraphMessageTemplate>, Resolution> pick, CancellationToken cancellationToken) =>
            _resolver.FromListingAsync(new("templates", Caller.CustSpaceId, Caller.WabaId, name ?? ""),
                ct => _resolver.Graph.ListMessageTemplatesAsync(Caller.WabaId, name, Caller, ct), _callsAllowed, pick, cancellationToken);

        public Resolution.Found FoundPhone(GraphPhoneNumber phone) =>
            new(phone.Id, new NodeIdentity { WabaId = WabaId, PhoneNumber = phone.DisplayPhoneNumber, PhoneNumberId = phone.Id });

        public Resolution.Found FoundTemplate(GraphMessageTemplate template) =>
            new(template.Id, new NodeIdentity { WabaId = WabaId, TemplateCode = template.Name, TemplateId = template.Id, Language = template.Language });

        public static Resolution.NotResolved NotResolved(string reason, string detail) => new(new Rejection(reason, detail));
    }

    /// <summary>
    /// The node picked from a listing. Without calls, only a listing already read will do (null
    /// otherwise); with calls, a listing the budget deferred is the resolution's deferral.
    /// </summary>
    internal async Task<Resolution?> FromListingAsync<T>(
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
}
