using System.Security.Cryptography;

namespace HealthEvents.Http.Webhooks;

/// <summary>
/// Meta's delivery signature: <c>X-Hub-Signature-256: sha256=&lt;hex HMAC-SHA256 of the raw body with the app secret&gt;</c>,
/// compared in constant time.
/// </summary>
public static class WebhookSignature
{
    private const string Prefix = "sha256=";

    public static bool IsValid(ReadOnlySpan<byte> body, string? header, byte[] appSecret)
    {
        ArgumentNullException.ThrowIfNull(appSecret);
        if (header is null || !header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || header.Length != Prefix.Length + 64)
        {
            return false;
        }

        byte[] presented;
        try
        {
            presented = Convert.FromHexString(header.AsSpan(Prefix.Length));
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(appSecret, body), presented);
    }

    /// <summary>The header value for <paramref name="body"/> (the simulator and tests sign with it).</summary>
    public static string Sign(ReadOnlySpan<byte> body, byte[] appSecret) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(appSecret, body));
}
