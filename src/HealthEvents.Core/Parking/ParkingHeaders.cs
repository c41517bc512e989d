using System.Globalization;
using MassTransit;

namespace HealthEvents.Core.Parking;

/// <summary>
/// What a parked check carries with it (transport headers, so the message body is untouched): its
/// reserved pace slot, when it was first parked and first asked, since when Meta has been failing
/// it, and, for operators, until when and why it is parked.
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
        if (at is { } value)
        {
            headers.Set(name, value.ToString("O", CultureInfo.InvariantCulture));
        }
        else
        {
            headers.Set(name, null);
        }
    }
}
