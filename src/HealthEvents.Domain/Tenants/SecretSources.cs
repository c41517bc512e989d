namespace HealthEvents.Domain.Tenants;

/// <summary>
/// The one rule for reading a secret from configuration: exactly one of an inline value, an
/// environment variable's name or a file's path. Problems name the setting, never the value.
/// </summary>
public static class SecretSources
{
    /// <summary>
    /// The secret <paramref name="label"/> (e.g. <c>AccessToken</c>) at <paramref name="where"/>, read from
    /// the one source given; null with a problem added to <paramref name="errors"/> when it cannot be read,
    /// or null without one when none is given and <paramref name="required"/> is false.
    /// </summary>
    public static string? Resolve(
        string where, string label, string? inline, string? variable, string? file,
        ITokenSource source, List<string> errors, bool required)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(errors);
        var given = new[] { inline, variable, file }.Count(s => !string.IsNullOrWhiteSpace(s));
        if (given == 0 && !required)
        {
            return null;
        }

        if (given != 1)
        {
            errors.Add($"{where}: set exactly one of {label}, {label}Variable, {label}File (found {given}).");
            return null;
        }

        string? value;
        if (!string.IsNullOrWhiteSpace(inline))
        {
            value = inline;
        }
        else if (!string.IsNullOrWhiteSpace(variable))
        {
            value = source.FromEnvironment(variable);
            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add($"{where}:{label}Variable: environment variable '{variable}' is not set or empty.");
                return null;
            }
        }
        else
        {
            value = source.FromFile(file!, out var problem);
            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add($"{where}:{label}File: cannot read a value from '{file}' ({problem ?? "file is empty"}).");
                return null;
            }
        }

        if (value.Trim().Any(char.IsWhiteSpace))
        {
            errors.Add($"{where}: the {label} contains white space.");
            return null;
        }

        return value.Trim();
    }
}
