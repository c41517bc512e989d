using System.Globalization;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using HealthEvents.Contracts;

namespace HealthEvents.Gate;

/// <summary>
/// The two calls the gate makes to the service's HTTP side, each bounded by
/// <see cref="HealthGateOptions.QueryTimeout"/>: <c>GET /v1/health-status</c> (the fallback) and
/// <c>GET /v1/events</c> (the load on start, page by page). The key travels in a header and is
/// never part of a message or an exception.
/// </summary>
internal sealed class HealthEventsQueryApi(HealthGateOptions options) : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        BaseAddress = options.ServiceAddress,
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public bool Configured => options.ServiceAddress is not null;

    /// <summary>The node's health now, accepting the service's stored answer within <see cref="HealthGateOptions.MaxStaleness"/>.</summary>
    public async Task<HealthCheckCompleted> HealthStatusAsync(GateNode node, int? plannedRecipients, CancellationToken cancellationToken)
    {
        var query = new Dictionary<string, string?>
        {
            ["CustSpaceId"] = node.CustSpaceId,
            ["NodeType"] = node.NodeType,
            ["WabaId"] = node.WabaId,
            ["MaxAge"] = ((long)options.MaxStaleness.TotalSeconds).ToString(CultureInfo.InvariantCulture),
            ["PlannedRecipients"] = plannedRecipients?.ToString(CultureInfo.InvariantCulture),
        };
        switch (node.NodeType)
        {
            case NodeTypes.Phone:
                query[node.NodeId is null ? "PhoneNumber" : "PhoneNumberId"] = node.NodeId ?? node.PhoneNumber;
                break;
            case NodeTypes.Template when node.NodeId is { } templateId:
                query["TemplateId"] = templateId;
                break;
            case NodeTypes.Template:
                query["TemplateCode"] = node.TemplateCode;
                query["Language"] = node.Language;
                break;
        }

        return await GetAsync<HealthCheckCompleted>("v1/health-status" + QueryString(query), cancellationToken);
    }

    /// <summary>Every change of <paramref name="custSpaceId"/> since <paramref name="since"/>, in the service's order.</summary>
    public async IAsyncEnumerable<HealthStatusChanged> ChangesAsync(string custSpaceId, DateTimeOffset since, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var page = await GetAsync<EventPage>("v1/events" + QueryString(new Dictionary<string, string?>
            {
                ["CustSpaceId"] = custSpaceId,
                ["Since"] = since.ToString("O", CultureInfo.InvariantCulture),
                ["PageSize"] = "500",
                ["PageToken"] = token,
            }), cancellationToken);
            foreach (var change in page.Events)
            {
                yield return change;
            }

            token = page.NextPageToken;
        }
        while (token is not null);
    }

    public void Dispose() => _http.Dispose();

    private async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.QueryTimeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("X-Api-Key", options.ApiKey);
            using var response = await _http.SendAsync(request, deadline.Token);
            var envelope = await response.Content.ReadFromJsonAsync<Envelope<T>>(Json, deadline.Token);
            return envelope is { Success: true, Data: { } data }
                ? data
                : throw new HealthEventsQueryException($"The query API answered {(int)response.StatusCode} {envelope?.Code}: {envelope?.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HealthEventsQueryException($"The query API did not answer within {options.QueryTimeout.TotalSeconds:0.#} s.");
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException)
        {
            throw new HealthEventsQueryException($"The query API could not be read ({ex.GetType().Name}: {ex.Message}).");
        }
    }

    private static string QueryString(Dictionary<string, string?> values) =>
        "?" + string.Join("&", values.Where(v => v.Value is not null).Select(v => $"{v.Key}={Uri.EscapeDataString(v.Value!)}"));

    private sealed record Envelope<T>(bool Success, string? Code, string? Message, T? Data);

    private sealed record EventPage(IReadOnlyList<HealthStatusChanged> Events, string? NextPageToken);
}

/// <summary>The query API could not give the gate an answer: unreachable, too slow, or it refused (the message says which).</summary>
public sealed class HealthEventsQueryException(string message) : Exception(message);
