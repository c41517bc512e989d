using System.Net;
using System.Text;
using System.Text.Json;

namespace HealthEvents.IntegrationTests.Support;

/// <summary>Calls the service's HTTP API as a sending pipeline would: a key per call, the envelope read back.</summary>
public sealed class ApiClient(Uri address) : IDisposable
{
    public const string AlphaKey = "api-key-alpha-5e1b";
    public const string BetaKey = "api-key-beta-0c77";
    public const string AdminKey = "api-key-admin-a9d4";
    public const string AppSecret = "meta-app-secret-3b8e";
    public const string VerifyToken = "meta-verify-token-44f0";

    private readonly HttpClient _http = new() { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>Settings that turn the HTTP side on, with keys for the two tenants of <see cref="TestScenarios.TwoTenants"/> and webhooks.</summary>
    public static Dictionary<string, string?> Settings(int requestsPerSecond = 1_000) => new()
    {
        ["Http:Urls"] = "http://127.0.0.1:0",
        ["Http:AdminApiKey"] = AdminKey,
        ["Http:RequestsPerSecond"] = requestsPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Tenants:Spaces:alpha:ApiKey"] = AlphaKey,
        ["Tenants:Spaces:beta:ApiKey"] = BetaKey,
        ["Webhooks:Meta:AppSecret"] = AppSecret,
        ["Webhooks:Meta:VerifyToken"] = VerifyToken,
    };

    public HttpClient Http => _http;

    public async Task<ApiReply> GetAsync(string pathAndQuery, string? key = AlphaKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        return await SendAsync(request, key);
    }

    public async Task<ApiReply> PostAsync(string path, string json, string? key = AlphaKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        return await SendAsync(request, key);
    }

    private async Task<ApiReply> SendAsync(HttpRequestMessage request, string? key)
    {
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        using var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var headers = response.Headers.Concat(response.Content.Headers).ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        return new ApiReply(response.StatusCode, body, headers);
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>One answer: status, raw body and headers, with the envelope's parts at hand.</summary>
public sealed record ApiReply(HttpStatusCode Status, string Body, IReadOnlyDictionary<string, string> Headers)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string? Code => Json.GetProperty(nameof(Code)).GetString();

    public JsonElement Data => Json.GetProperty(nameof(Data));

    public string? Header(string name) => Headers.GetValueOrDefault(name);
}
