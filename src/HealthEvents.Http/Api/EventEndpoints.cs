using System.Globalization;
using HealthEvents.Contracts;
using HealthEvents.Core.HealthChecks;
using HealthEvents.Storage;
using Microsoft.AspNetCore.Http;

namespace HealthEvents.Http.Api;

/// <summary>
/// <c>GET /v1/events</c>: a customer space's recent <see cref="HealthStatusChanged"/> events from the
/// store, for pipelines that poll instead of subscribing. Ordered by when Meta gave the snapshot,
/// then node and version; <c>NextPageToken</c> continues exactly where a page ended. A change can be
/// stored a moment after a later-checked one, so a poller that wants every change starts each
/// poll a little before its last <c>CheckedAt</c> and drops what it has seen (NodeId + Version).
/// </summary>
public static class EventEndpoints
{
    public const int MaxPageSize = 500;
    private const int MaxScanned = 10_000;

    public sealed record EventPage(IReadOnlyList<HealthStatusChanged> Events, string? NextPageToken);

    public static async Task<IResult> GetAsync(HttpContext http, IHealthStore store, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(http);
        var query = http.Request.Query;
        if (TenantParameter.Resolve(http) is not { } tenant)
        {
            return TenantParameter.Problem(http);
        }

        var now = time.GetUtcNow();
        var since = now.AddDays(-1);
        if (query["Since"] is [{ Length: > 0 } sinceText]
            && !DateTimeOffset.TryParse(sinceText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out since))
        {
            return ApiAnswers.Error(http, ApiCodes.InvalidParameter, "Since must be an ISO 8601 time, e.g. 2026-11-24T06:00:00Z.");
        }

        var pageSize = 100;
        if (query["PageSize"] is [{ Length: > 0 } sizeText]
            && (!int.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > MaxPageSize))
        {
            return ApiAnswers.Error(http, ApiCodes.InvalidParameter, $"PageSize must be 1 to {MaxPageSize}.");
        }

        Position? after = null;
        if (query["PageToken"] is [{ Length: > 0 } token] && (after = Position.Parse(token)) is null)
        {
            return ApiAnswers.Error(http, ApiCodes.InvalidParameter, "PageToken is not one this API gave.");
        }

        var from = after is { } position && position.CheckedAt > since ? position.CheckedAt : since;
        var changes = await store.GetChangesAsync(tenant, from, DateTimeOffset.MaxValue, MaxScanned, http.RequestAborted);
        var ordered = changes.Select(c => (Change: c, At: Position.Of(c)))
            .Where(c => after is null || c.At.CompareTo(after) > 0)
            .OrderBy(c => c.At)
            .Take(pageSize + 1)
            .ToList();
        var page = ordered.Take(pageSize).ToList();
        var next = ordered.Count > pageSize ? page[^1].At.ToToken() : null;
        return ApiAnswers.Ok(http, new EventPage([.. page.Select(c => OutcomeEvents.Changed(c.Change))], next));
    }

    /// <summary>Where an event sits in the order: CheckedAt, then node, then version.</summary>
    private sealed record Position(DateTimeOffset CheckedAt, string NodeType, string NodeId, long Version) : IComparable<Position>
    {
        public static Position Of(StoredChange change) => new(change.Current.CheckedAt, change.Key.NodeType, change.Key.NodeId, change.Version);

        public int CompareTo(Position? other)
        {
            if (other is null)
            {
                return 1;
            }

            var byTime = CheckedAt.CompareTo(other.CheckedAt);
            var byType = string.CompareOrdinal(NodeType, other.NodeType);
            var byNode = string.CompareOrdinal(NodeId, other.NodeId);
            return byTime != 0 ? byTime : byType != 0 ? byType : byNode != 0 ? byNode : Version.CompareTo(other.Version);
        }

        public string ToToken() => PageTokens.Write(string.Create(CultureInfo.InvariantCulture, $"{CheckedAt.UtcTicks}|{Version}|{NodeType}|{NodeId}"));

        public static Position? Parse(string token)
        {
            var parts = PageTokens.Read(token)?.Split('|', 4) ?? [];
            return parts.Length == 4
                   && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                   && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var version)
                   && ticks <= DateTimeOffset.MaxValue.UtcTicks
                ? new Position(new DateTimeOffset(ticks, TimeSpan.Zero), parts[2], parts[3], version)
                : null;
        }
    }
}
