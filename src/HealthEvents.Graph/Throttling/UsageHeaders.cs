using System.Net.Http.Headers;
using System.Text.Json;

namespace HealthEvents.Graph.Throttling;

/// <summary>
/// Reads how long Meta wants us to stay away: <c>X-Business-Use-Case-Usage</c>'s
/// <c>estimated_time_to_regain_access</c> (minutes, per business id and use case), a full
/// <c>X-App-Usage</c> (any metric at 100 %), and a plain <c>Retry-After</c>. The longest wins.
/// </summary>
public static class UsageHeaders
{
    public static TimeSpan? RetryAfter(HttpResponseHeaders headers, TimeSpan fullAppUsageBackoff)
    {
        ArgumentNullException.ThrowIfNull(headers);
        TimeSpan? longest = null;

        if (headers.TryGetValues("X-Business-Use-Case-Usage", out var buc))
        {
            foreach (var value in buc)
            {
                longest = Max(longest, BusinessUseCaseRegain(value));
            }
        }

        if (headers.TryGetValues("X-App-Usage", out var app) && app.Any(IsFull))
        {
            longest = Max(longest, fullAppUsageBackoff);
        }

        if (headers.RetryAfter is { } retryAfter)
        {
            var delta = retryAfter.Delta ?? (retryAfter.Date is { } date ? date - DateTimeOffset.UtcNow : null);
            longest = Max(longest, delta is { Ticks: > 0 } d ? d : null);
        }

        return longest;
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
