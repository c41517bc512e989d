using System.Globalization;
using System.Xml;
using HealthEvents.Contracts;
using Microsoft.AspNetCore.Http;

namespace HealthEvents.Http.Api;

/// <summary>
/// Reads <c>GET /v1/health-status</c>'s query: Alibaba's parameter names (<c>CustSpaceId</c>,
/// <c>NodeType</c>, <c>WabaId</c>, <c>PhoneNumber</c>, <c>TemplateCode</c>, <c>Language</c>) plus
/// <c>PhoneNumberId</c>, <c>TemplateId</c>, <c>MaxAge</c> and <c>PlannedRecipients</c>. Whether the values make a valid check
/// is <c>RequestValidator</c>'s rule, not this parser's.
/// </summary>
public static class HealthStatusQuery
{
    /// <summary>The Alibaba form's <c>Action</c>.</summary>
    public const string AlibabaAction = "GetWhatsappHealthStatus";

    /// <summary>The request, or the parameter problem (code and message) when there is none.</summary>
    public static (HealthCheckRequested? Request, string? Code, string? Problem) Read(IQueryCollection query, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (Single(query, "Action") is { } action && action != AlibabaAction)
        {
            return (null, ApiCodes.InvalidParameter, $"Action must be {AlibabaAction}.");
        }

        foreach (var required in new[] { "CustSpaceId", "NodeType" })
        {
            if (string.IsNullOrWhiteSpace(Single(query, required)))
            {
                return (null, ApiCodes.MissingParameter, $"{required} is required.");
            }
        }

        foreach (var (name, values) in query)
        {
            if (values.Count > 1)
            {
                return (null, ApiCodes.InvalidParameter, $"{name} is given {values.Count} times; give it once.");
            }
        }

        TimeSpan? maxAge = null;
        if (Single(query, "MaxAge") is { } maxAgeText)
        {
            if (ParseDuration(maxAgeText) is not { } parsed)
            {
                return (null, ApiCodes.InvalidParameter, "MaxAge must be seconds (300), a time span (00:05:00) or an ISO 8601 duration (PT5M).");
            }

            maxAge = parsed;
        }

        int? planned = null;
        if (Single(query, "PlannedRecipients") is { } plannedText)
        {
            if (!int.TryParse(plannedText, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                return (null, ApiCodes.InvalidParameter, "PlannedRecipients must be a whole number of recipients, e.g. 5000.");
            }

            planned = count;
        }

        return (new HealthCheckRequested
        {
            CustSpaceId = Single(query, "CustSpaceId")!,
            NodeType = Single(query, "NodeType")!,
            WabaId = Single(query, "WabaId"),
            PhoneNumber = Single(query, "PhoneNumber"),
            PhoneNumberId = Single(query, "PhoneNumberId"),
            TemplateCode = Single(query, "TemplateCode"),
            TemplateId = Single(query, "TemplateId"),
            Language = Single(query, "Language"),
            MaxAge = maxAge,
            PlannedRecipients = planned,
            RequestedAt = now,
        }, null, null);
    }

    /// <summary>Whether this is the Alibaba form (answered in exactly seed 000's shape).</summary>
    public static bool IsAlibabaForm(IQueryCollection query) => Single(query, "Action") == AlibabaAction;

    /// <summary>Seconds, a .NET time span or an ISO 8601 duration, never negative; null when it is none of these.</summary>
    public static TimeSpan? ParseDuration(string text) => ParseAny(text) is { } span && span >= TimeSpan.Zero ? span : null;

    private static TimeSpan? ParseAny(string text)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span))
        {
            return span;
        }

        try
        {
            return text.StartsWith('P') ? XmlConvert.ToTimeSpan(text) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string? Single(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && values.Count >= 1 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;
}
