using System.Text.RegularExpressions;
using HealthEvents.Contracts;
using HealthEvents.Domain.HealthChecks;
using static HealthEvents.Core.HealthChecks.NodeResolver;

namespace HealthEvents.Core.HealthChecks;

/// <summary>
/// A validated request: which node to check, for which customer space. The kinds are a closed set
/// (the base constructor is private) and each owns its node type's rules: how it is read from a
/// request (<see cref="From"/>, called by <see cref="RequestValidator"/> after the rules every
/// request shares), how it is keyed (<see cref="CoalescingKey"/>) and how it is found on the WABA
/// (<see cref="ResolveAsync"/>). Each constructor guards its own ids with the same Domain rules,
/// so code after validation never holds an invalid target.
/// </summary>
public abstract partial record CheckTarget
{
    public const int MaxTemplateCodeLength = 512;

    /// <summary>
    /// Each node type's rules: how it is read from a request, and how a request names a node of it
    /// by its Graph id (a re-check of a known node needs no listing). The one table to extend with a
    /// node type.
    /// </summary>
    private static readonly Dictionary<string, NodeTypeRules> ByNodeType = new(StringComparer.Ordinal)
    {
        [NodeTypes.Waba] = new((_, tenant, waba, maxAge) => new Waba(tenant, waba, maxAge), (request, _) => request),
        [NodeTypes.Phone] = new(Phone, (request, id) => request with { PhoneNumberId = id }),
        [NodeTypes.Template] = new(Template, (request, id) => request with { TemplateId = id }),
    };

    private sealed record NodeTypeRules(
        Func<HealthCheckRequested, string, string, TimeSpan?, Built> From,
        Func<HealthCheckRequested, string, HealthCheckRequested> ById);

    /// <summary>A target, or what is wrong with the request's node fields (a sentence for the sender).</summary>
    public readonly record struct Built(CheckTarget? Target, string? Problem)
    {
        public static implicit operator Built(CheckTarget target) => new(target, null);

        public static Built Invalid(string problem) => new(null, problem);
    }

    /// <summary>The node types a target can be built for (the contracts' <see cref="NodeTypes.All"/>, tested to agree).</summary>
    public static IReadOnlyCollection<string> KnownNodeTypes => ByNodeType.Keys;

    /// <summary>The target of a request whose shared fields (tenant, node type, WABA, ages) are already valid.</summary>
    internal static Built From(HealthCheckRequested request, string tenant, string waba, TimeSpan? maxAge) =>
        ByNodeType[request.NodeType].From(request, tenant, waba, maxAge);

    /// <summary><paramref name="request"/> (its tenant, WABA and node type set) naming its node by Graph id.</summary>
    public static HealthCheckRequested ById(HealthCheckRequested request, string nodeId)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ByNodeType[request.NodeType].ById(request, nodeId);
    }

    /// <summary>
    /// The Graph node this target names, from the tenant's own WABA (<see cref="NodeLookup"/>); null
    /// when that needs a Graph call and the lookup may not make one.
    /// </summary>
    internal abstract Task<Resolution?> ResolveAsync(NodeLookup lookup, CancellationToken cancellationToken);

    private CheckTarget(string custSpaceId, string wabaId, TimeSpan? maxAge)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(custSpaceId);
        RequireGraphId(wabaId, nameof(wabaId));
        CustSpaceId = custSpaceId;
        WabaId = wabaId;
        MaxAge = maxAge;
    }

    public string CustSpaceId { get; }

    /// <summary>The WABA the node belongs to; the tenant must own it.</summary>
    public string WabaId { get; }

    /// <summary>A stored snapshot younger than this answers without calling Meta.</summary>
    public TimeSpan? MaxAge { get; }

    /// <summary>The contract's node type (<see cref="NodeTypes"/>).</summary>
    public abstract string NodeType { get; }

    /// <summary>Requests with the same key ask about the same node in the same way, so one check can answer them all.</summary>
    public string CoalescingKey => $"{CustSpaceId}|{NodeType}|{WabaId}|{NodeSelector}";

    /// <summary>How the node is named within its WABA (empty for the WABA itself).</summary>
    protected abstract string NodeSelector { get; }

    private static Built Phone(HealthCheckRequested request, string tenant, string waba, TimeSpan? maxAge)
    {
        var number = request.PhoneNumber;
        var id = request.PhoneNumberId;
        if (string.IsNullOrEmpty(number) == string.IsNullOrEmpty(id))
        {
            return Built.Invalid("A phone check needs exactly one of PhoneNumber (the display number) or PhoneNumberId.");
        }

        if (!string.IsNullOrEmpty(id))
        {
            return GraphId.IsValid(id) ? new PhoneById(tenant, waba, id, maxAge) : Built.Invalid("PhoneNumberId must be a Graph id (digits only).");
        }

        return PhoneNumbers.IsValid(number)
            ? new PhoneByNumber(tenant, waba, number, maxAge)
            : Built.Invalid("PhoneNumber must be a display number: 6 to 20 digits with optional '+', spaces, '-', '.', '(' or ')'.");
    }

    private static Built Template(HealthCheckRequested request, string tenant, string waba, TimeSpan? maxAge)
    {
        var id = request.TemplateId;
        if (!string.IsNullOrEmpty(id))
        {
            return GraphId.IsValid(id) ? new TemplateById(tenant, waba, id, maxAge) : Built.Invalid("TemplateId must be a Graph id (digits only).");
        }

        var code = request.TemplateCode;
        var language = request.Language;
        if (string.IsNullOrWhiteSpace(code) || string.IsNullOrWhiteSpace(language))
        {
            return Built.Invalid("A template check needs TemplateId, or TemplateCode together with Language.");
        }

        if (code.Length > MaxTemplateCodeLength || code.Any(char.IsControl))
        {
            return Built.Invalid($"TemplateCode must be at most {MaxTemplateCodeLength} printable characters.");
        }

        return LanguagePattern().IsMatch(language)
            ? new TemplateByCode(tenant, waba, code, language, maxAge)
            : Built.Invalid("Language must be a locale code such as 'en' or 'pt_BR'.");
    }

    [GeneratedRegex(@"^[A-Za-z]{2,3}(_[A-Za-z0-9]{2,8})?$")]
    private static partial Regex LanguagePattern();

    private static void RequireGraphId(string id, string name)
    {
        if (!GraphId.IsValid(id))
        {
            throw new ArgumentException("Not a Graph id (digits only).", name);
        }
    }

    /// <summary>The WABA itself.</summary>
    public sealed record Waba(string CustSpaceId, string WabaId, TimeSpan? MaxAge) : CheckTarget(CustSpaceId, WabaId, MaxAge)
    {
        public override string NodeType => NodeTypes.Waba;

        protected override string NodeSelector => "";

        internal override Task<Resolution?> ResolveAsync(NodeLookup lookup, CancellationToken cancellationToken) =>
            Task.FromResult<Resolution?>(new Resolution.Found(WabaId, new Storage.NodeIdentity { WabaId = WabaId }));
    }

    /// <summary>A phone number given as its display number, found on the WABA's phone_numbers edge.</summary>
    public sealed record PhoneByNumber : CheckTarget
    {
        public PhoneByNumber(string custSpaceId, string wabaId, string displayNumber, TimeSpan? maxAge)
            : base(custSpaceId, wabaId, maxAge)
        {
            if (!PhoneNumbers.IsValid(displayNumber))
            {
                throw new ArgumentException("Not a display phone number.", nameof(displayNumber));
            }

            DisplayNumber = displayNumber;
        }

        public string DisplayNumber { get; }

        public override string NodeType => NodeTypes.Phone;

        protected override string NodeSelector => "number:" + PhoneNumbers.Normalize(DisplayNumber);

        internal override Task<Resolution?> ResolveAsync(NodeLookup lookup, CancellationToken cancellationToken)
        {
            var digits = PhoneNumbers.Normalize(DisplayNumber);
            return lookup.InPhonesAsync(phones =>
                phones.FirstOrDefault(p => PhoneNumbers.Normalize(p.DisplayPhoneNumber) == digits) is { } numbered ? lookup.FoundPhone(numbered)
                : NodeLookup.NotResolved(RejectionReasons.NotFound, $"WABA {WabaId} has no phone number {DisplayNumber}."), cancellationToken);
        }
    }

    /// <summary>A phone number given as its Graph id; it must be on the WABA's phone_numbers edge.</summary>
    public sealed record PhoneById : CheckTarget
    {
        public PhoneById(string custSpaceId, string wabaId, string phoneNumberId, TimeSpan? maxAge)
            : base(custSpaceId, wabaId, maxAge)
        {
            RequireGraphId(phoneNumberId, nameof(phoneNumberId));
            PhoneNumberId = phoneNumberId;
        }

        public string PhoneNumberId { get; }

        public override string NodeType => NodeTypes.Phone;

        protected override string NodeSelector => "id:" + PhoneNumberId;

        internal override Task<Resolution?> ResolveAsync(NodeLookup lookup, CancellationToken cancellationToken) =>
            lookup.InPhonesAsync(phones =>
                phones.FirstOrDefault(p => p.Id == PhoneNumberId) is { } phone ? lookup.FoundPhone(phone)
                : NodeLookup.NotResolved(RejectionReasons.AccessDenied, $"Phone number id {PhoneNumberId} is not a phone number of WABA {WabaId}."), cancellationToken);
    }

    /// <summary>A template given as code and language, found on the WABA's message_templates edge.</summary>
    public sealed record TemplateByCode : CheckTarget
    {
        public TemplateByCode(string custSpaceId, string wabaId, string code, string language, TimeSpan? maxAge)
            : base(custSpaceId, wabaId, maxAge)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(code);
            ArgumentException.ThrowIfNullOrWhiteSpace(language);
            Code = code;
            Language = language;
        }

        public string Code { get; }

        public string Language { get; }

        public override string NodeType => NodeTypes.Template;

        protected override string NodeSelector => "code:" + Code + "|" + Language.ToUpperInvariant();

        internal override Task<Resolution?> ResolveAsync(NodeLookup lookup, CancellationToken cancellationToken) =>
            lookup.InTemplatesAsync(Code, named =>
                named.FirstOrDefault(t => t.Name == Code && string.Equals(t.Language, Language, StringComparison.OrdinalIgnoreCase)) is { } coded ? lookup.FoundTemplate(coded)
                : NodeLookup.NotResolved(RejectionReasons.NotFound, $"WABA {WabaId} has no template '{Code}' in language '{Language}'."), cancellationToken);
    }

    /// <summary>A template given as its Graph id; it must be on the WABA's message_templates edge.</summary>
    public sealed record TemplateById : CheckTarget
    {
        public TemplateById(string custSpaceId, string wabaId, string templateId, TimeSpan? maxAge)
            : base(custSpaceId, wabaId, maxAge)
        {
            RequireGraphId(templateId, nameof(templateId));
            TemplateId = templateId;
        }

        public string TemplateId { get; }

        public override string NodeType => NodeTypes.Template;

        protected override string NodeSelector => "id:" + TemplateId;

        internal override Task<Resolution?> ResolveAsync(NodeLookup lookup, CancellationToken cancellationToken) =>
            lookup.InTemplatesAsync(null, all =>
                all.FirstOrDefault(t => t.Id == TemplateId) is { } template ? lookup.FoundTemplate(template)
                : NodeLookup.NotResolved(RejectionReasons.AccessDenied, $"Template id {TemplateId} is not a template of WABA {WabaId}."), cancellationToken);
    }
}
