using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;

namespace HealthEvents.UnitTests.Support;

/// <summary>
/// A Graph API stand-in at the HTTP handler level: health_status, phone_numbers and
/// message_templates for one WABA, every request recorded, listings optionally held back or failed.
/// </summary>
public sealed class StubGraph : HttpMessageHandler
{
    private readonly ConcurrentQueue<string> _requests = new();
    private TaskCompletionSource _listingsHeld = Released();

    public Dictionary<string, string> Status { get; } = new(StringComparer.Ordinal);

    public List<(string Id, string Display)> Phones { get; } = [];

    public List<(string Id, string Name, string Language)> Templates { get; } = [];

    /// <summary>How many of the next listing requests answer Meta's permanent "invalid parameter" error.</summary>
    public int FailNextListings { get; set; }

    /// <summary>When set, every health_status request answers this HTTP status with a Graph error of this code.</summary>
    public (HttpStatusCode Status, int Code)? FailHealthWith { get; set; }

    public IReadOnlyList<string> Requests => [.. _requests];

    public int Listings(string edge) => _requests.Count(r => r.Contains("/" + edge, StringComparison.Ordinal));

    public int HealthCalls => _requests.Count(r => r.Contains("fields=health_status", StringComparison.Ordinal));

    /// <summary>Listing requests wait until <see cref="ReleaseListings"/>.</summary>
    public void HoldListings() => _listingsHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ReleaseListings() => _listingsHeld.TrySetResult();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        _requests.Enqueue(uri.PathAndQuery);
        var segments = uri.AbsolutePath.Trim('/').Split('/');
        var node = segments[1];
        if (segments.Length == 2 && FailHealthWith is { } failure)
        {
            return Json(new { error = new { message = "Stub failure", type = failure.Code == 190 ? "OAuthException" : "GraphMethodException", code = failure.Code } }, failure.Status);
        }

        if (segments.Length == 2)
        {
            var status = Status.GetValueOrDefault(node, "AVAILABLE");
            return Json(new
            {
                id = node,
                health_status = new { can_send_message = status, entities = new[] { new { entity_type = "WABA", id = node, can_send_message = status } } },
            });
        }

        await _listingsHeld.Task.WaitAsync(cancellationToken);
        if (FailNextListings > 0)
        {
            FailNextListings--;
            return Json(new { error = new { message = "Invalid parameter", type = "OAuthException", code = 100 } }, HttpStatusCode.BadRequest);
        }

        return segments[2] switch
        {
            "phone_numbers" => Json(new { data = Phones.Select(p => new { id = p.Id, display_phone_number = p.Display }) }),
            _ => Json(new { data = Templates.Select(t => new { id = t.Id, name = t.Name, language = t.Language, status = "APPROVED" }) }),
        };
    }

    private static HttpResponseMessage Json(object body, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json") };

    private static TaskCompletionSource Released()
    {
        var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        released.SetResult();
        return released;
    }
}
