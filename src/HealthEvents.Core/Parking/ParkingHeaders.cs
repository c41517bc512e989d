using System.Globalization;
using MassTransit;

namespace HealthEvents.Core.Parking;

/// <summary>
/// What a parked check carries with it (transport headers, so the message body is untouched): its
/// reserved pace slot, when it was first parked and first asked, and, for operators, until when and
/// why it is parked.
/// </summary>
public static class ParkingHeaders
{
    public const string Slot = "HealthEvents-Slot";
    public const string ParkedSince = "HealthEvents-ParkedSince";
    public const string AskedAt = "HealthEvents-AskedAt";
    public const string ParkedUntil = "HealthEvents-ParkedUntil";
    public const string Reason = "HealthEvents-ParkReason";

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
