using System.Net.Http.Headers;
using System.Text.Json;

namespace HealthEvents.Graph.Throttling;

/// <summary>
/// Reads how long Meta wants us to stay away, and from what: <c>X-Business-Use-Case-Usage</c>'s
/// <c>estimated_time_to_regain_access</c> (minutes, per business and use case: the WABA's scope),
/// a full <c>X-App-Usage</c> (any metric at 100 %: the whole app) and a plain <c>Retry-After</c>
/// (the caller's token). One pause per scope, the longest Meta gave.
/// </summary>
public static class UsageHeaders
{
    public static IReadOnlyList<MetaPause> Pauses(HttpResponseHeaders headers, TimeSpan fullAppUsageBackoff)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var pauses = new List<MetaPause>();

        if (headers.TryGetValues("X-Business-Use-Case-Usage", out var buc)
            && buc.Select(BusinessUseCaseRegain).Aggregate((TimeSpan?)null, Max) is { } regain)
        {
            pauses.Add(new MetaPause(ThrottleScope.Waba, regain));
        }

        if (headers.TryGetValues("X-App-Usage", out var app) && app.Any(IsFull))
        {
            pauses.Add(new MetaPause(ThrottleScope.App, fullAppUsageBackoff));
        }

        if (headers.RetryAfter is { } retryAfter
            && (retryAfter.Delta ?? (retryAfter.Date is { } date ? date - DateTimeOffset.UtcNow : null)) is { Ticks: > 0 } delta)
        {
            pauses.Add(new MetaPause(ThrottleScope.Tenant, delta));
        }

        return pauses;
    }

    /// <summary>The longest <c>estimated_time_to_regain_access</c> in one header value, in minutes as Meta gives it.</summary>
    public static TimeSpan? BusinessUseCaseRegain(string headerValue)
    {
        try
        {
            using var doc = JsonDocument.Parse(headerValue);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            TimeSpan? longest = null;
            foreach (var business in doc.RootElement.EnumerateObject())
            {
                if (business.Value.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                foreach (var useCase in business.Value.EnumerateArray())
                {
                    if (useCase.ValueKind == JsonValueKind.Object
                        && useCase.TryGetProperty("estimated_time_to_regain_access", out var minutes)
                        && minutes.ValueKind == JsonValueKind.Number
                        && minutes.TryGetDouble(out var m) && m > 0)
                    {
                        longest = Max(longest, TimeSpan.FromMinutes(m));
                    }
                }
            }

            return longest;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool IsFull(string headerValue)
    {
        try
        {
            using var doc = JsonDocument.Parse(headerValue);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.EnumerateObject().Any(p =>
                    p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetDouble(out var pct) && pct >= 100);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static TimeSpan? Max(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : (a > b ? a : b);
}
