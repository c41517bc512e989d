namespace HealthEvents.Contracts;

/// <summary>
/// Command: check whether a node can send WhatsApp messages. Sent by sending pipelines before a
/// campaign, either published or sent to the <c>health-check-requested</c> queue; answered with
/// <see cref="HealthCheckCompleted"/> or <see cref="HealthCheckRejected"/> (also as the reply
/// when sent with a request client).
/// </summary>
public sealed record HealthCheckRequested
{
    /// <summary>The customer space that owns the node; its token and budget are used.</summary>
    public required string CustSpaceId { get; init; }

    /// <summary><c>waba</c>, <c>phone</c> or <c>template</c> (see <see cref="NodeTypes"/>).</summary>
    public required string NodeType { get; init; }

    /// <summary>The WABA's Graph id. Required: it is how tenant ownership is checked.</summary>
    public string? WabaId { get; init; }

    /// <summary>For <c>phone</c>: the display number, resolved through the WABA's phone numbers.</summary>
    public string? PhoneNumber { get; init; }

    /// <summary>For <c>phone</c>: the phone number's Graph id, when the caller knows it.</summary>
    public string? PhoneNumberId { get; init; }

    /// <summary>For <c>template</c>: the template code (name), resolved with <see cref="Language"/>.</summary>
    public string? TemplateCode { get; init; }

    /// <summary>For <c>template</c>: the template's Graph id, when the caller knows it.</summary>
    public string? TemplateId { get; init; }

    /// <summary>For <c>template</c> with <see cref="TemplateCode"/>: the template language, e.g. <c>en</c>.</summary>
    public string? Language { get; init; }

    /// <summary>A stored snapshot younger than this answers without calling Meta.</summary>
    public TimeSpan? MaxAge { get; init; }

    /// <summary>When the caller asked.</summary>
    public DateTimeOffset RequestedAt { get; init; }

    /// <summary>
    /// Optional: the longest the sender waits for an answer, counted from when it sent the request
    /// (1 s to 1 day). A check that cannot run before then (a budget, or Meta throttling) is answered
    /// at once with <see cref="HealthCheckRejected"/> (<c>Throttled</c>, with <c>RetryAfter</c>). A
    /// request client's timeout (the message's expiration) counts the same way; the earlier wins.
    /// </summary>
    public TimeSpan? AnswerWithin { get; init; }

    /// <summary>
    /// Optional: how many unique users the campaign plans to reach (1 to 1,000,000,000). The
    /// answer's <see cref="HealthCheckCompleted.Campaign"/> compares it with the node's messaging limit.
    /// </summary>
    public int? PlannedRecipients { get; init; }
}
