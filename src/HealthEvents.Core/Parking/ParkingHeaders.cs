using System.Globalization;
using MassTransit;

namespace HealthEvents.Core.Parking;

/// <summary>
/// What a parked check carries with it (transport headers, so the message body is untouched): its
/// promised start, when it was first parked and first asked, since when Meta has been failing
/// it, and, for operators, until when and why it is parked. Written by <see cref="ParkingTicket.Stamp"/>,
/// read back by <see cref="CheckArrival.Of"/>.
/// </summary>
public static class ParkingHeaders
{
    public const string Slot = "HealthEvents-Slot";
    public const string ParkedSince = "HealthEvents-ParkedSince";
    public const string AskedAt = "HealthEvents-AskedAt";
    public const string ParkedUntil = "HealthEvents-ParkedUntil";
    public const string Reason = "HealthEvents-ParkReason";
    public const string UpstreamFailingSince = "HealthEvents-UpstreamFailingSince";

    /// <summary>When the sender stops waiting (its request's expiration or <c>AnswerWithin</c>): a parked copy carries no expiration of its own.</summary>
    public const string AnswerBy = "HealthEvents-AnswerBy";

    /// <summary>Set once <c>HealthCheckDeferred</c> was published for the request: never twice.</summary>
    public const string DeferredNoticed = "HealthEvents-DeferredNoticed";

    /// <summary>
    /// When the check was asked: its <see cref="AskedAt"/> header (set when it was first forwarded
    /// or parked), else when it was sent. A sender's clock ahead of ours must not make every stored
    /// answer look too old for it, so never later than <paramref name="now"/>.
    /// </summary>
    public static DateTimeOffset AskedAtOf(ConsumeContext context, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(context);
        var sentAt = context.SentTime is { } sent ? new DateTimeOffset(DateTime.SpecifyKind(sent, DateTimeKind.Utc)) : now;
        var askedAt = Read(context.Headers, AskedAt) ?? sentAt;
        return askedAt > now ? now : askedAt;
    }

    public static DateTimeOffset? Read(Headers headers, string name)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return headers.Get<string>(name) is { } text
               && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
            ? at
            : null;
    }

    public static void Write(SendHeaders headers, string name, DateTimeOffset? at)
    {
        ArgumentNullException.ThrowIfNull(headers);
        headers.Set(name, at?.ToString("O", CultureInfo.InvariantCulture));
    }

    // A copy that still carried RabbitMQ's dead-letter history would look like a dead-letter
    // cycle the next time it passes a hop it has passed before, and the broker drops those.
    private static readonly string[] DeadLetterHistory =
    [
        "x-death", "x-first-death-exchange", "x-first-death-queue", "x-first-death-reason",
        "x-last-death-exchange", "x-last-death-queue", "x-last-death-reason",
    ];

    /// <summary>Removes what RabbitMQ wrote when a hop expired the message: every copy that is parked again.</summary>
    public static void ClearDeadLetterHistory(SendHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        foreach (var header in DeadLetterHistory)
        {
            headers.Set(header, null);
        }
    }
}

/// <summary>Until when a check is parked and what it carries back.</summary>
public sealed record ParkingTicket(
    DateTimeOffset Until, DateTimeOffset? Slot, DateTimeOffset ParkedSince, DateTimeOffset AskedAt, string Reason, DateTimeOffset? UpstreamFailingSince = null,
    DateTimeOffset? AnswerBy = null, bool DeferredNoticed = false)
{
    /// <summary>Sets the parking headers on the copy that is parked.</summary>
    public void Stamp(SendContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ParkingHeaders.Write(context.Headers, ParkingHeaders.Slot, Slot);
        ParkingHeaders.Write(context.Headers, ParkingHeaders.ParkedSince, ParkedSince);
        ParkingHeaders.Write(context.Headers, ParkingHeaders.AskedAt, AskedAt);
        ParkingHeaders.Write(context.Headers, ParkingHeaders.ParkedUntil, Until);
        ParkingHeaders.Write(context.Headers, ParkingHeaders.UpstreamFailingSince, UpstreamFailingSince);
        ParkingHeaders.Write(context.Headers, ParkingHeaders.AnswerBy, AnswerBy);
        context.Headers.Set(ParkingHeaders.Reason, Reason);
        context.Headers.Set(ParkingHeaders.DeferredNoticed, DeferredNoticed ? "true" : null);
        // The sender's deadline travels in AnswerBy: a copy that expired in a delay queue would be lost unanswered.
        context.TimeToLive = null;
        ParkingHeaders.ClearDeadLetterHistory(context.Headers);
    }
}

/// <summary>
/// What a check brings to the consumer: when it was asked, what it carries back from being parked,
/// and when its sender stops waiting (<see cref="ParkingHeaders.AnswerBy"/>, else the message's own expiration).
/// </summary>
public sealed record CheckArrival(
    DateTimeOffset AskedAt, DateTimeOffset? Slot, DateTimeOffset? ParkedSince, DateTimeOffset? UpstreamFailingSince, DateTimeOffset? ExpiresAt, bool DeferredNoticed)
{
    public static CheckArrival Of(ConsumeContext context, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(context);
        var headers = context.Headers;
        var expiresAt = ParkingHeaders.Read(headers, ParkingHeaders.AnswerBy)
                        ?? (context.ExpirationTime is { } expiration ? new DateTimeOffset(DateTime.SpecifyKind(expiration, DateTimeKind.Utc)) : null);
        return new CheckArrival(ParkingHeaders.AskedAtOf(context, now), ParkingHeaders.Read(headers, ParkingHeaders.Slot),
            ParkingHeaders.Read(headers, ParkingHeaders.ParkedSince), ParkingHeaders.Read(headers, ParkingHeaders.UpstreamFailingSince),
            expiresAt, headers.Get<string>(ParkingHeaders.DeferredNoticed) == "true");
    }

    /// <summary>The request's deadline: the earliest of its expiration and <c>AnswerWithin</c> after it was asked; null when it has neither.</summary>
    public DateTimeOffset? AnswerBy(TimeSpan? answerWithin) =>
        (ExpiresAt, answerWithin) switch
        {
            ({ } expires, { } within) => expires < AskedAt + within ? expires : AskedAt + within,
            ({ } expires, null) => expires,
            (null, { } within) => AskedAt + within,
            _ => null,
        };
}
