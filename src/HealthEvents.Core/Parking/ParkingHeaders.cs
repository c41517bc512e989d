using System.Globalization;
using MassTransit;

namespace HealthEvents.Core.Parking;

/// <summary>
/// What a parked check carries with it (transport headers, so the message body is untouched): its
/// reserved pace slot, when it was first parked and first asked, since when Meta has been failing
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
}

/// <summary>Until when a check is parked and what it carries back.</summary>
public sealed record ParkingTicket(
    DateTimeOffset Until, DateTimeOffset? Slot, DateTimeOffset ParkedSince, DateTimeOffset AskedAt, string Reason, DateTimeOffset? UpstreamFailingSince = null)
{
    // A copy that still carried RabbitMQ's dead-letter history would look like a dead-letter
    // cycle the next time it passes a delay level it has passed before, and the broker drops those.
    private static readonly string[] DeadLetterHistory =
    [
        "x-death", "x-first-death-exchange", "x-first-death-queue", "x-first-death-reason",
        "x-last-death-exchange", "x-last-death-queue", "x-last-death-reason",
    ];

    /// <summary>Sets the parking headers on the copy that is parked.</summary>
    public void Stamp(SendContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ParkingHeaders.Write(context.Headers, ParkingHeaders.Slot, Slot);
        ParkingHeaders.Write(context.Headers, ParkingHeaders.ParkedSince, ParkedSince);
        ParkingHeaders.Write(context.Headers, ParkingHeaders.AskedAt, AskedAt);
        ParkingHeaders.Write(context.Headers, ParkingHeaders.ParkedUntil, Until);
        ParkingHeaders.Write(context.Headers, ParkingHeaders.UpstreamFailingSince, UpstreamFailingSince);
        context.Headers.Set(ParkingHeaders.Reason, Reason);
        foreach (var header in DeadLetterHistory)
        {
            context.Headers.Set(header, null);
        }
    }
}

/// <summary>What a check brings to the consumer: when it was asked, and what it carries back from being parked.</summary>
public sealed record CheckArrival(DateTimeOffset AskedAt, DateTimeOffset? Slot, DateTimeOffset? ParkedSince, DateTimeOffset? UpstreamFailingSince)
{
    public static CheckArrival Of(ConsumeContext context, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(context);
        var headers = context.Headers;
        return new CheckArrival(ParkingHeaders.AskedAtOf(context, now), ParkingHeaders.Read(headers, ParkingHeaders.Slot),
            ParkingHeaders.Read(headers, ParkingHeaders.ParkedSince), ParkingHeaders.Read(headers, ParkingHeaders.UpstreamFailingSince));
    }
}
