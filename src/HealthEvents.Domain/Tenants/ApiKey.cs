using System.Security.Cryptography;
using System.Text;

namespace HealthEvents.Domain.Tenants;

/// <summary>
/// A key that callers of the HTTP API present. Only its SHA-256 is kept, so the key itself is in
/// no object a log, a dump or an exception could show; <see cref="Fingerprint"/> is what lookups use.
/// </summary>
public sealed class ApiKey
{
    private readonly byte[] _hash;

    public ApiKey(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        _hash = Hash(value.Trim());
        Fingerprint = Convert.ToHexString(_hash);
    }

    /// <summary>The key's SHA-256 in hex: equal for equal keys, and says nothing of the key.</summary>
    public string Fingerprint { get; }

    /// <summary>Whether <paramref name="presented"/> is this key (compared in constant time).</summary>
    public bool Matches(string? presented) =>
        !string.IsNullOrEmpty(presented) && CryptographicOperations.FixedTimeEquals(_hash, Hash(presented.Trim()));

    /// <summary>The fingerprint a presented key would have.</summary>
    public static string FingerprintOf(string presented) => Convert.ToHexString(Hash(presented.Trim()));

    public override string ToString() => "***";

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
