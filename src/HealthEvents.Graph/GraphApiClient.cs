using System.Net.Http.Headers;
using System.Text.Json;
using HealthEvents.Contracts;
using HealthEvents.Domain.HealthChecks;
using HealthEvents.Graph.Errors;
using HealthEvents.Graph.Throttling;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;
using Polly.Timeout;

namespace HealthEvents.Graph;

/// <summary>
/// Typed client for the three Graph calls HealthEvents makes. Every id is checked to be a Graph
/// id before a URL is built; every HTTP attempt passes the budget's <see cref="IGraphCallGate"/>;
/// failures come out as <see cref="GraphTransientException"/> (already retried),
/// <see cref="GraphThrottledException"/> or <see cref="GraphPermanentException"/>.
/// </summary>
public sealed class GraphApiClient(
    HttpClient http,
    IOptions<GraphApiOptions> options,
    ResiliencePipelineProvider<GraphPipelineKey> pipelines,
    IGraphCallGate gate,
    ReadinessFields readiness,
    TimeProvider time)
{
    public const string PipelineName = "graph-api";

    private readonly GraphApiOptions _options = options.Value;

    /// <summary>
    /// <c>GET /{node-id}?fields=health_status,…</c>: the health and, in the same call, the node
    /// type's readiness fields (<see cref="ReadinessFields"/>). When Meta refuses one of those, the
    /// call is made once more without it, and it is not asked again; the check never fails for it.
    /// </summary>
    public async Task<GraphAnswer<HealthSnapshot>> GetHealthStatusAsync(string nodeId, string nodeType, GraphCaller caller, CancellationToken cancellationToken)
    {
        RequireGraphId(nodeId, nameof(nodeId));
        while (true)
        {
            var asked = readiness.AskedFor(nodeType);
            var fields = string.Join(',', asked.Select(f => f.GraphName).Prepend("health_status"));
            try
            {
                return await SendAsync($"{nodeId}?fields={fields}", caller,
                    body => GraphResponseParser.ParseHealthStatus(body, time.GetUtcNow(), nodeType, asked), cancellationToken);
            }
            catch (GraphPermanentException ex) when (readiness.Refuse(nodeType, ex.UnknownField, asked))
            {
                // Asked again with fewer fields: each round drops at least one, so this ends.
            }
        }
    }

    /// <summary>Every phone number of a WABA (all pages).</summary>
    public Task<GraphAnswer<IReadOnlyList<GraphPhoneNumber>>> ListPhoneNumbersAsync(string wabaId, GraphCaller caller, CancellationToken cancellationToken)
    {
        RequireGraphId(wabaId, nameof(wabaId));
        return ReadPagesAsync($"{wabaId}/phone_numbers?fields=id,display_phone_number,verified_name", caller,
            GraphResponseParser.ParsePhoneNumbers, cancellationToken);
    }

    /// <summary>A WABA's message templates (all pages), filtered by name on Meta's side when given.</summary>
    public Task<GraphAnswer<IReadOnlyList<GraphMessageTemplate>>> ListMessageTemplatesAsync(string wabaId, string? name, GraphCaller caller, CancellationToken cancellationToken)
    {
        RequireGraphId(wabaId, nameof(wabaId));
        var filter = string.IsNullOrEmpty(name) ? "" : "&name=" + Uri.EscapeDataString(name);
        return ReadPagesAsync($"{wabaId}/message_templates?fields=id,name,language,status{filter}", caller,
            GraphResponseParser.ParseMessageTemplates, cancellationToken);
    }

    /// <summary>Every page of a listing; a deferral on any page is the listing's (the pages read so far are not kept).</summary>
    private async Task<GraphAnswer<IReadOnlyList<T>>> ReadPagesAsync<T>(
        string firstPage, GraphCaller caller, Func<string, Page<T>> parse, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        var url = $"{firstPage}&limit={_options.PageSize}";
        for (var pageNumber = 1; ; pageNumber++)
        {
            var answer = await SendAsync(url, caller, parse, cancellationToken);
            if (answer is GraphAnswer<Page<T>>.Deferred deferred)
            {
                return new GraphAnswer<IReadOnlyList<T>>.Deferred(deferred.Deferral);
            }

            var page = ((GraphAnswer<Page<T>>.Answered)answer).Value;

            rows.AddRange(page.Rows);
            if (page.After is null || page.Rows.Count == 0)
            {
                return new GraphAnswer<IReadOnlyList<T>>.Answered(rows);
            }

            if (pageNumber >= _options.MaxPages)
            {
                throw new GraphTransientException($"Stopped after {pageNumber} pages (GraphApi:MaxPages).", GraphErrorDetails.None);
            }

            url = $"{firstPage}&limit={_options.PageSize}&after={Uri.EscapeDataString(page.After)}";
        }
    }

    private async Task<GraphAnswer<T>> SendAsync<T>(string relativeUrl, GraphCaller caller, Func<string, T> parse, CancellationToken cancellationToken)
    {
        try
        {
            // The tenant's own instance: its circuit opens for its failures only. A deferral is an
            // outcome, not a fault: Polly neither retries it nor counts it against the circuit.
            var pipeline = pipelines.GetPipeline(new GraphPipelineKey(PipelineName, caller.CustSpaceId));
            return await pipeline.ExecuteAsync(
                static async (state, ct) => await state.Client.AttemptAsync(state.Url, state.Caller, state.Parse, ct),
                (Client: this, Url: relativeUrl, Caller: caller, Parse: parse),
                cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or BrokenCircuitException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Framework messages carry no token (it travels in a header), but keep only the type to be sure.
            throw new GraphTransientException($"Graph API unreachable ({ex.GetType().Name}).", GraphErrorDetails.None, ex);
        }
    }

    /// <summary>One HTTP attempt: admitted by the tenant's gate (or deferred by it), timed by HttpClient.Timeout.</summary>
    private async ValueTask<GraphAnswer<T>> AttemptAsync<T>(string relativeUrl, GraphCaller caller, Func<string, T> parse, CancellationToken cancellationToken)
    {
        var permit = await gate.EnterAsync(caller.Scope, cancellationToken);
        if (permit is CallPermit.Later later)
        {
            return new GraphAnswer<T>.Deferred(later.Deferral);
        }

        using var lease = ((CallPermit.Go)permit).Lease;
        using var request = new HttpRequestMessage(HttpMethod.Get, relativeUrl);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", caller.Token.Reveal());

        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        // Even on success: Meta may say a budget is spent, and we stop before it starts refusing.
        var pauses = UsageHeaders.Pauses(response.Headers, _options.DefaultThrottleBackoff);
        foreach (var pause in pauses)
        {
            gate.Pause(caller.Scope, pause);
        }

        if (!response.IsSuccessStatusCode)
        {
            var error = GraphErrorClassifier.Classify(response.StatusCode, body, pauses, _options.DefaultThrottleBackoff, Scrub(caller));
            if (error is GraphThrottledException throttled && !pauses.Contains(throttled.Pause))
            {
                gate.Pause(caller.Scope, throttled.Pause);
            }

            throw error;
        }

        try
        {
            return new GraphAnswer<T>.Answered(parse(body));
        }
        catch (JsonException ex)
        {
            throw new GraphTransientException($"Graph API answered with malformed JSON ({ex.Message})",
                new GraphErrorDetails((int)response.StatusCode));
        }
    }

    private static Func<string, string> Scrub(GraphCaller caller)
    {
        var secret = caller.Token.Reveal();
        return text => text.Replace(secret, "***", StringComparison.Ordinal);
    }

    private static void RequireGraphId(string id, string parameter)
    {
        if (!GraphId.IsValid(id))
        {
            throw new ArgumentException("Not a Graph id (digits only).", parameter);
        }
    }
}
