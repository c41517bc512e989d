namespace HealthEvents.Domain.Tenants;

/// <summary>
/// A tenant's Graph access token. It prints as a redaction everywhere (logs, exceptions,
/// records' ToString) so it cannot leak by accident; only the Graph client reads <see cref="Reveal"/>.
/// </summary>
public sealed class AccessToken
{
    private readonly string _value;

    public AccessToken(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        _value = value.Trim();
    }

    /// <summary>The secret itself, for the Authorization header only.</summary>
    public string Reveal() => _value;

    public override string ToString() => "***";
}
