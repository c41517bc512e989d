using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using HealthEvents.Contracts;
using HealthEvents.Domain.HealthChecks;

namespace HealthEvents.Core.HealthChecks;

/// <summary>
/// Shape rules for <see cref="HealthCheckRequested"/>, checked before anything else so a bad
/// request never reaches the tenant's budget or Meta: the rules every request shares here, then
/// the node type's own (<see cref="CheckTarget.From"/>). Turns a good request into a
/// <see cref="CheckTarget"/>; says what was wrong and what is allowed about a bad one.
/// </summary>
public static partial class RequestValidator
{
    /// <summary>A health check request is a few hundred bytes; anything past this is not one.</summary>
    public const long MaxMessageBytes = 16 * 1024;

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

        if (request.NodeType is null || !CheckTarget.KnownNodeTypes.Contains(request.NodeType))
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

        var built = CheckTarget.From(request, tenant, waba, maxAge);
        target = built.Target;
        return built.Problem is { } problem ? Invalid(problem) : null;
    }

    private static Rejection Invalid(string detail) => new(RejectionReasons.Invalid, detail);

    private static string Shorten(string? value) => value is null ? "" : value.Length <= 20 ? value : value[..20] + "…";

    [GeneratedRegex(@"^[A-Za-z0-9_.:\-]{1,64}$")]
    private static partial Regex CustSpaceIdPattern();
}
