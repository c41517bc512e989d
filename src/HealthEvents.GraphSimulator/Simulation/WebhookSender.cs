using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using HealthEvents.GraphSimulator.Scenarios;

namespace HealthEvents.GraphSimulator.Simulation;

/// <summary>
/// Plays Meta's webhooks: when a node's health changes (a scripted transition falls due, or a
/// test or the control endpoint sets it), POSTs a <c>whatsapp_business_account</c> delivery for it,
/// signed with <c>X-Hub-Signature-256</c>, to the subscribed URL: <c>account_update</c> for a WABA,
/// <c>phone_number_quality_update</c> for a phone number, <c>message_template_status_update</c> for
/// a template. What was sent is kept in <see cref="Sent"/>.
/// </summary>
public sealed class WebhookSender : BackgroundService
{
    private readonly SimulatorState _state;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookSender> _logger;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private volatile WebhookSettings _settings;

    public WebhookSender(SimulatorState state, TimeProvider time, ILogger<WebhookSender> logger)
    {
        _state = state;
        _time = time;
        _logger = logger;
        _settings = state.Scenario.Webhooks;
        state.HealthChanged += node => _ = SendAsync(node, CancellationToken.None);
    }

    /// <summary>Deliveries made: the field, the node and the HTTP status the subscriber answered (0: unreachable).</summary>
    public ConcurrentQueue<(string Field, string NodeId, int Status)> Sent { get; } = new();

    /// <summary>Subscribes (or, with a null URL, unsubscribes) at run time.</summary>
    public void Subscribe(WebhookSettings settings) => _settings = settings;

    /// <summary>Sends each scripted transition's webhook when it falls due.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var transition in _state.Scenario.Transitions.OrderBy(t => t.At))
        {
            var wait = _state.StartedAt + transition.At - _time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time, stoppingToken);
            }

            if (_state.FindNode(transition.Id) is { } node)
            {
                await SendAsync(node, stoppingToken);
            }
        }
    }

    private async Task SendAsync(GraphNode node, CancellationToken cancellationToken)
    {
        var settings = _settings;
        if (string.IsNullOrEmpty(settings.Url) || string.IsNullOrEmpty(settings.AppSecret))
        {
            return;
        }

        var (field, value) = Change(node);
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            @object = "whatsapp_business_account",
            entry = new[] { new { id = node.Waba.Id, time = _time.GetUtcNow().ToUnixTimeSeconds(), changes = new[] { new { field, value } } } },
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(settings.AppSecret), body)));
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken);
            Sent.Enqueue((field, node.Id, (int)response.StatusCode));
        }
        catch (HttpRequestException ex)
        {
            _logger.LogWarning("Webhook {Field} for {NodeId} not delivered: {Error}", field, node.Id, ex.Message);
            Sent.Enqueue((field, node.Id, 0));
        }
    }

    private (string Field, object Value) Change(GraphNode node)
    {
        var health = _state.HealthOf(node.Id);
        var blocked = health.CanSendMessage == "BLOCKED";
        var fields = NodeFields.Of(node, health);
        switch (node.Kind)
        {
            case GraphNodeKind.PhoneNumber:
                var limit = fields["whatsapp_business_manager_messaging_limit"];
                return ("phone_number_quality_update", new
                {
                    display_phone_number = fields["display_phone_number"],
                    @event = blocked || fields["quality_rating"] == "RED" ? "FLAGGED" : "UNFLAGGED",
                    current_limit = limit,
                    max_daily_conversations_per_business = limit,
                });
            case GraphNodeKind.MessageTemplate:
                var template = node.Waba.Templates.First(t => t.Id == node.Id);
                var status = blocked && fields["status"] == "APPROVED" ? "REJECTED" : fields["status"];
                return (fields["quality_score"] == "GREEN" ? "message_template_status_update" : "message_template_quality_update", new
                {
                    @event = status,
                    message_template_id = long.Parse(template.Id, System.Globalization.CultureInfo.InvariantCulture),
                    message_template_name = template.Name,
                    message_template_language = template.Language,
                    reason = blocked ? "INCORRECT_CATEGORY" : "NONE",
                    new_quality_score = fields["quality_score"],
                });
            default:
                return ("account_update", new { @event = blocked ? "ACCOUNT_RESTRICTION" : "ACCOUNT_UPDATE", waba_info = new { waba_id = node.Waba.Id } });
        }
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }
}
