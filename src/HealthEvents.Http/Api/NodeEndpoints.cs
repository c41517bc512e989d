using System.Globalization;
using HealthEvents.Contracts;
using HealthEvents.Core.HealthChecks;
using HealthEvents.Domain.HealthChecks;
using HealthEvents.Storage;
using Microsoft.AspNetCore.Http;

namespace HealthEvents.Http.Api;

/// <summary>
/// A space's nodes for a person looking: <c>GET /v1/nodes</c>, filtered and paged by the store
/// (most severe first, never the whole space at once), and <c>GET /v1/nodes/history</c>, one
/// node's changes for its timeline.
/// </summary>
public static class NodeEndpoints
{
    public const int MaxPageSize = 500;
    public const int MaxHistory = 500;

    public sealed record NodeList(IReadOnlyList<HealthCheckCompleted> Nodes, string? NextPageToken);

    public sealed record NodeHistory(IReadOnlyList<HealthStatusChanged> Changes);

    /// <summary>The parameters are documented here (OpenAPI) and read with the API's own rules and messages.</summary>
    public static async Task<IResult> GetNodesAsync(
        HttpContext http, IHealthStore store,
        string? CustSpaceId = null, string? NodeType = null, string? CanSendMessage = null, string? Search = null, string? PageSize = null, string? PageToken = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (TenantParameter.Resolve(http) is not { } tenant)
        {
            return TenantParameter.Problem(http);
        }

        if (NodeType is { Length: > 0 } && !NodeTypes.All.Contains(NodeType))
        {
            return ApiAnswers.Error(http, ApiCodes.InvalidParameter, $"NodeType must be one of: {string.Join(", ", NodeTypes.All)}.");
        }

        var size = 100;
        if (PageSize is { Length: > 0 } && (!int.TryParse(PageSize, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxPageSize))
        {
            return ApiAnswers.Error(http, ApiCodes.InvalidParameter, $"PageSize must be 1 to {MaxPageSize}.");
        }

        if (Search is { Length: > 64 })
        {
            return ApiAnswers.Error(http, ApiCodes.InvalidParameter, "Search is at most 64 characters.");
        }

        SnapshotPosition? after = null;
        if (PageToken is { Length: > 0 } && (after = ReadPosition(PageToken)) is null)
        {
            return ApiAnswers.Error(http, ApiCodes.InvalidParameter, "PageToken is not one this API gave.");
        }

        var query = new SnapshotQuery(tenant, Blank(NodeType), Blank(CanSendMessage)?.ToUpperInvariant(), size + 1, Blank(Search)?.Trim(), after);
        var snapshots = await store.ListSnapshotsAsync(query, http.RequestAborted);
        var page = snapshots.Take(size).ToList();
        var next = snapshots.Count > size ? WritePosition(SnapshotPosition.Of(page[^1])) : null;
        return ApiAnswers.Ok(http, new NodeList([.. page.Select(s => OutcomeEvents.Completed(s, fromCache: true))], next));
    }

    public static async Task<IResult> GetHistoryAsync(HttpContext http, IHealthStore store, string? CustSpaceId = null, string? NodeType = null, string? NodeId = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (TenantParameter.Resolve(http) is not { } tenant)
        {
            return TenantParameter.Problem(http);
        }

        if (NodeType is not { Length: > 0 } || !NodeTypes.All.Contains(NodeType) || NodeId is not { Length: > 0 } || !GraphId.IsValid(NodeId))
        {
            return ApiAnswers.Error(http, ApiCodes.InvalidParameter, $"NodeType ({string.Join(", ", NodeTypes.All)}) and NodeId (a Graph id) are required.");
        }

        var changes = await store.GetHistoryAsync(new NodeKey(tenant, NodeType, NodeId), 1, MaxHistory, http.RequestAborted);
        return ApiAnswers.Ok(http, new NodeHistory([.. changes.Select(OutcomeEvents.Changed)]));
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string WritePosition(SnapshotPosition at) => PageTokens.Write(string.Create(CultureInfo.InvariantCulture, $"{at.Rank}|{at.NodeType}|{at.NodeId}"));

    private static SnapshotPosition? ReadPosition(string token) =>
        PageTokens.Read(token)?.Split('|', 3) is [var rank, var type, var id] && int.TryParse(rank, NumberStyles.None, CultureInfo.InvariantCulture, out var r)
            ? new SnapshotPosition(r, type, id)
            : null;
}
