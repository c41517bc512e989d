using HealthEvents.Contracts;
using HealthEvents.Domain.HealthChecks;

namespace HealthEvents.Core.HealthChecks;

/// <summary>
/// A validated request: which node to check, for which customer space. <see cref="RequestValidator"/>
/// builds it from a <see cref="HealthCheckRequested"/> and says what is wrong when it cannot; the
/// kinds are a closed set (the base constructor is private) and each constructor guards its own
/// ids with the same Domain rules, so code after validation never holds an invalid target.
/// </summary>
public abstract record CheckTarget
{
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
    }
}
