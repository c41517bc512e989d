using System.Text.RegularExpressions;
using HealthEvents.Contracts;
using HealthEvents.Domain.HealthChecks;

namespace HealthEvents.Service.HealthChecks;

/// <summary>
/// Shape rules for <see cref="HealthCheckRequested"/>, checked before anything else so a bad
/// request never reaches the tenant's budget or Meta. Says what was wrong and what is allowed.
/// </summary>
public static partial class RequestValidator
{
    /// <summary>A health check request is a few hundred bytes; anything past this is not one.</summary>
    public const long MaxMessageBytes = 16 * 1024;

    public const int MaxTemplateCodeLength = 512;

    public static Rejection? Validate(HealthCheckRequested request, long messageBytes)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (messageBytes > MaxMessageBytes)
        {
            return Invalid($"The message is {messageBytes} bytes; a health check request may be at most {MaxMessageBytes}.");
        }

        if (string.IsNullOrWhiteSpace(request.CustSpaceId) || !CustSpaceIdPattern().IsMatch(request.CustSpaceId))
        {
            return Invalid("CustSpaceId is required: 1 to 64 letters, digits, '-', '_', '.' or ':'.");
        }

        if (!NodeTypes.All.Contains(request.NodeType))
        {
            return Invalid($"NodeType '{Shorten(request.NodeType)}' is not one of: {string.Join(", ", NodeTypes.All)}.");
        }

        if (!GraphId.IsValid(request.WabaId))
        {
            return Invalid("WabaId is required and must be a Graph id (digits only).");
        }

        if (request.MaxAge is { } maxAge && (maxAge < TimeSpan.Zero || maxAge > TimeSpan.FromDays(30)))
        {
            return Invalid("MaxAge must be between 0 and 30 days.");
        }

        return request.NodeType switch
        {
            NodeTypes.Phone => ValidatePhone(request),
            NodeTypes.Template => ValidateTemplate(request),
            _ => null,
        };
    }

    private static Rejection? ValidatePhone(HealthCheckRequested request)
    {
        var byNumber = !string.IsNullOrEmpty(request.PhoneNumber);
        var byId = !string.IsNullOrEmpty(request.PhoneNumberId);
        if (byNumber == byId)
        {
            return Invalid("A phone check needs exactly one of PhoneNumber (the display number) or PhoneNumberId.");
        }

        if (byId && !GraphId.IsValid(request.PhoneNumberId))
        {
            return Invalid("PhoneNumberId must be a Graph id (digits only).");
        }

        return byNumber && !PhoneNumbers.IsValid(request.PhoneNumber)
            ? Invalid("PhoneNumber must be a display number: 6 to 20 digits with optional '+', spaces, '-', '.', '(' or ')'.")
            : null;
    }

    private static Rejection? ValidateTemplate(HealthCheckRequested request)
    {
        if (!string.IsNullOrEmpty(request.TemplateId))
        {
            return GraphId.IsValid(request.TemplateId) ? null : Invalid("TemplateId must be a Graph id (digits only).");
        }

        if (string.IsNullOrWhiteSpace(request.TemplateCode) || string.IsNullOrWhiteSpace(request.Language))
        {
            return Invalid("A template check needs TemplateId, or TemplateCode together with Language.");
        }

        if (request.TemplateCode.Length > MaxTemplateCodeLength || request.TemplateCode.Any(char.IsControl))
        {
            return Invalid($"TemplateCode must be at most {MaxTemplateCodeLength} printable characters.");
        }

        return LanguagePattern().IsMatch(request.Language) ? null : Invalid("Language must be a locale code such as 'en' or 'pt_BR'.");
    }

    private static Rejection Invalid(string detail) => new(RejectionReasons.Invalid, detail);

    private static string Shorten(string? value) => value is null ? "" : value.Length <= 20 ? value : value[..20] + "…";

    [GeneratedRegex(@"^[A-Za-z0-9_.:\-]{1,64}$")]
    private static partial Regex CustSpaceIdPattern();

    [GeneratedRegex(@"^[A-Za-z]{2,3}(_[A-Za-z0-9]{2,8})?$")]
    private static partial Regex LanguagePattern();
}

/// <summary>Why a request cannot be answered: a <see cref="RejectionReasons"/> value and a sentence.</summary>
public sealed record Rejection(string Reason, string Detail, int? UpstreamErrorCode = null, int? UpstreamErrorSubcode = null, TimeSpan? RetryAfter = null);
