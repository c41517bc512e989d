using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using HealthEvents.Contracts;
using HealthEvents.Domain.HealthChecks;

namespace HealthEvents.Core.HealthChecks;

/// <summary>
/// Shape rules for <see cref="HealthCheckRequested"/>, checked before anything else so a bad
/// request never reaches the tenant's budget or Meta. Turns a good request into a
/// <see cref="CheckTarget"/>; says what was wrong and what is allowed about a bad one.
/// </summary>
public static partial class RequestValidator
{
    /// <summary>A health check request is a few hundred bytes; anything past this is not one.</summary>
    public const long MaxMessageBytes = 16 * 1024;

    public const int MaxTemplateCodeLength = 512;

    /// <summary>The request as a <see cref="CheckTarget"/>, or the <see cref="RejectionReasons.Invalid"/> rejection naming the field.</summary>
    public static bool TryValidate(
        HealthCheckRequested request,
        long messageBytes,
        [NotNullWhen(true)] out CheckTarget? target,
        [NotNullWhen(false)] out Rejection? rejection)
    {
        ArgumentNullException.ThrowIfNull(request);
        rejection = Check(request, messageBytes, out target);
        return target is not null;
    }

    /// <summary>The rejection of a message of <paramref name="messageBytes"/> when it is too large to be a request; null otherwise.</summary>
    public static Rejection? SizeProblem(long messageBytes) =>
        messageBytes > MaxMessageBytes
            ? Invalid($"The message is {messageBytes} bytes; a health check request may be at most {MaxMessageBytes}.")
            : null;

    private static Rejection? Check(HealthCheckRequested request, long messageBytes, out CheckTarget? target)
    {
        target = null;
        if (SizeProblem(messageBytes) is { } tooLarge)
        {
            return tooLarge;
        }

        var tenant = request.CustSpaceId;
        if (string.IsNullOrWhiteSpace(tenant) || !CustSpaceIdPattern().IsMatch(tenant))
        {
            return Invalid("CustSpaceId is required: 1 to 64 letters, digits, '-', '_', '.' or ':'.");
        }

        if (!NodeTypes.All.Contains(request.NodeType))
        {
            return Invalid($"NodeType '{Shorten(request.NodeType)}' is not one of: {string.Join(", ", NodeTypes.All)}.");
        }

        var waba = request.WabaId;
        if (!GraphId.IsValid(waba))
        {
            return Invalid("WabaId is required and must be a Graph id (digits only).");
        }

        var maxAge = request.MaxAge;
        if (maxAge is { } age && (age < TimeSpan.Zero || age > TimeSpan.FromDays(30)))
        {
            return Invalid("MaxAge must be between 0 and 30 days.");
        }

        if (request.AnswerWithin is { } within && (within < TimeSpan.FromSeconds(1) || within > TimeSpan.FromDays(1)))
        {
            return Invalid("AnswerWithin must be between 1 second and 1 day.");
        }

        if (request.PlannedRecipients is < 1 or > 1_000_000_000)
        {
            return Invalid("PlannedRecipients must be between 1 and 1,000,000,000.");
        }

        return request.NodeType switch
        {
            NodeTypes.Phone => Phone(request, tenant, waba, maxAge, out target),
            NodeTypes.Template => Template(request, tenant, waba, maxAge, out target),
            _ => Found(new CheckTarget.Waba(tenant, waba, maxAge), out target),
        };
    }

    private static Rejection? Phone(HealthCheckRequested request, string tenant, string waba, TimeSpan? maxAge, out CheckTarget? target)
    {
        target = null;
        var number = request.PhoneNumber;
        var id = request.PhoneNumberId;
        if (string.IsNullOrEmpty(number) == string.IsNullOrEmpty(id))
        {
            return Invalid("A phone check needs exactly one of PhoneNumber (the display number) or PhoneNumberId.");
        }

        if (!string.IsNullOrEmpty(id))
        {
            return GraphId.IsValid(id)
                ? Found(new CheckTarget.PhoneById(tenant, waba, id, maxAge), out target)
                : Invalid("PhoneNumberId must be a Graph id (digits only).");
        }

        return PhoneNumbers.IsValid(number)
            ? Found(new CheckTarget.PhoneByNumber(tenant, waba, number, maxAge), out target)
            : Invalid("PhoneNumber must be a display number: 6 to 20 digits with optional '+', spaces, '-', '.', '(' or ')'.");
    }

    private static Rejection? Template(HealthCheckRequested request, string tenant, string waba, TimeSpan? maxAge, out CheckTarget? target)
    {
        target = null;
        var id = request.TemplateId;
        if (!string.IsNullOrEmpty(id))
        {
            return GraphId.IsValid(id)
                ? Found(new CheckTarget.TemplateById(tenant, waba, id, maxAge), out target)
                : Invalid("TemplateId must be a Graph id (digits only).");
        }

        var code = request.TemplateCode;
        var language = request.Language;
        if (string.IsNullOrWhiteSpace(code) || string.IsNullOrWhiteSpace(language))
        {
            return Invalid("A template check needs TemplateId, or TemplateCode together with Language.");
        }

        if (code.Length > MaxTemplateCodeLength || code.Any(char.IsControl))
        {
            return Invalid($"TemplateCode must be at most {MaxTemplateCodeLength} printable characters.");
        }

        return LanguagePattern().IsMatch(language)
            ? Found(new CheckTarget.TemplateByCode(tenant, waba, code, language, maxAge), out target)
            : Invalid("Language must be a locale code such as 'en' or 'pt_BR'.");
    }

    private static Rejection? Found(CheckTarget built, out CheckTarget? target)
    {
        target = built;
        return null;
    }

    private static Rejection Invalid(string detail) => new(RejectionReasons.Invalid, detail);

    private static string Shorten(string? value) => value is null ? "" : value.Length <= 20 ? value : value[..20] + "…";

    [GeneratedRegex(@"^[A-Za-z0-9_.:\-]{1,64}$")]
    private static partial Regex CustSpaceIdPattern();

    [GeneratedRegex(@"^[A-Za-z]{2,3}(_[A-Za-z0-9]{2,8})?$")]
    private static partial Regex LanguagePattern();
}
