using HealthEvents.Contracts;
using HealthEvents.Domain.HealthChecks;
using HealthEvents.Domain.Tenants;
using HealthEvents.Graph;
using HealthEvents.Storage;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace HealthEvents.Service.HealthChecks;

/// <summary>
/// Turns a request into the Graph node to check: the WABA itself, a phone number found on the
/// WABA's <c>phone_numbers</c> edge (by display number or id) or a template found on its
/// <c>message_templates</c> edge (by code and language, or id). Looking ids up on the tenant's own
/// WABA is also what proves the tenant owns the node. Edge listings are cached per tenant and
/// WABA, and concurrent look-ups of one listing share a single Graph call.
/// </summary>
public sealed class NodeResolver(GraphApiClient graph, IMemoryCache cache, IOptions<HealthChecksOptions> options)
{
    private readonly TimeSpan _cacheFor = options.Value.ResolutionCacheDuration;

    public async Task<Resolution> ResolveAsync(HealthCheckRequested request, Tenant tenant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(tenant);
        var waba = request.WabaId!;
        var caller = GraphCaller.For(tenant);
        switch (request.NodeType)
        {
            case NodeTypes.Phone:
                var phones = await CachedAsync(("phones", tenant.CustSpaceId, waba, ""), ct => graph.ListPhoneNumbersAsync(waba, caller, ct), cancellationToken);
                var phone = request.PhoneNumberId is { Length: > 0 } phoneId
                    ? phones.FirstOrDefault(p => p.Id == phoneId)
                    : phones.FirstOrDefault(p => PhoneNumbers.Normalize(p.DisplayPhoneNumber) == PhoneNumbers.Normalize(request.PhoneNumber!));
                if (phone is null)
                {
                    return request.PhoneNumberId is { Length: > 0 }
                        ? Resolution.Rejected(RejectionReasons.AccessDenied, $"Phone number id {request.PhoneNumberId} is not a phone number of WABA {waba}.")
                        : Resolution.Rejected(RejectionReasons.NotFound, $"WABA {waba} has no phone number {request.PhoneNumber}.");
                }

                return Resolution.Found(phone.Id, new NodeIdentity { WabaId = waba, PhoneNumber = phone.DisplayPhoneNumber, PhoneNumberId = phone.Id });

            case NodeTypes.Template:
                var byId = request.TemplateId is { Length: > 0 };
                var name = byId ? "" : request.TemplateCode!;
                var templates = await CachedAsync(("templates", tenant.CustSpaceId, waba, name),
                    ct => graph.ListMessageTemplatesAsync(waba, byId ? null : name, caller, ct), cancellationToken);
                var template = byId
                    ? templates.FirstOrDefault(t => t.Id == request.TemplateId)
                    : templates.FirstOrDefault(t => t.Name == name && string.Equals(t.Language, request.Language, StringComparison.OrdinalIgnoreCase));
                if (template is null)
                {
                    return byId
                        ? Resolution.Rejected(RejectionReasons.AccessDenied, $"Template id {request.TemplateId} is not a template of WABA {waba}.")
                        : Resolution.Rejected(RejectionReasons.NotFound, $"WABA {waba} has no template '{name}' in language '{request.Language}'.");
                }

                return Resolution.Found(template.Id, new NodeIdentity { WabaId = waba, TemplateCode = template.Name, TemplateId = template.Id, Language = template.Language });

            default:
                return Resolution.Found(waba, new NodeIdentity { WabaId = waba });
        }
    }

    private async Task<IReadOnlyList<T>> CachedAsync<T>(
        (string Edge, string Tenant, string Waba, string Filter) key,
        Func<CancellationToken, IAsyncEnumerable<T>> list,
        CancellationToken cancellationToken)
    {
        // The cached value is the running task, so callers that arrive while it runs share it.
        // It runs without any one caller's token, so one caller giving up cannot fail the others.
        var entry = cache.GetOrCreate(key, e =>
        {
            e.AbsoluteExpirationRelativeToNow = _cacheFor > TimeSpan.Zero ? _cacheFor : TimeSpan.FromTicks(1);
            return new Lazy<Task<IReadOnlyList<T>>>(async () => await list(CancellationToken.None).ToListAsync(CancellationToken.None));
        })!;
        try
        {
            return await entry.Value.WaitAsync(cancellationToken);
        }
        catch when (entry.Value.IsFaulted)
        {
            cache.Remove(key);
            throw;
        }
    }
}

/// <summary>The node a request names, or why it cannot be checked.</summary>
public sealed record Resolution(string? NodeId, NodeIdentity? Identity, Rejection? Rejection)
{
    public static Resolution Found(string nodeId, NodeIdentity identity) => new(nodeId, identity, null);

    public static Resolution Rejected(string reason, string detail) => new(null, null, new Rejection(reason, detail));
}
