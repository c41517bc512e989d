using System.Diagnostics.CodeAnalysis;

namespace HealthEvents.Domain.HealthChecks;

/// <summary>Display numbers come formatted in many ways ("+1 555-0100", "15550100"); compare digits only.</summary>
public static class PhoneNumbers
{
    public const int MaxDigits = 20;

    /// <summary>What a display number may have between its digits.</summary>
    public const string Separators = "+ -.()";

    public static string Normalize(string displayNumber) =>
        new(displayNumber.Where(char.IsAsciiDigit).ToArray());

    /// <summary>Digits with the usual separators (+, space, dash, dot, parentheses) and 6–20 digits.</summary>
    public static bool IsValid([NotNullWhen(true)] string? displayNumber)
    {
        if (string.IsNullOrWhiteSpace(displayNumber) || displayNumber.Length > 40)
        {
            return false;
        }

        var digits = displayNumber.Count(char.IsAsciiDigit);
        return digits is >= 6 and <= MaxDigits
            && displayNumber.All(c => char.IsAsciiDigit(c) || Separators.Contains(c));
    }

    /// <summary>
    /// What a search term is compared with in display numbers: its digits, when it has some and
    /// nothing but digits and <see cref="Separators"/>; null for any other text.
    /// </summary>
    public static string? DigitsOfSearch(string search)
    {
        ArgumentNullException.ThrowIfNull(search);
        return search.Any(char.IsAsciiDigit) && search.All(c => char.IsAsciiDigit(c) || Separators.Contains(c)) ? Normalize(search) : null;
    }
}
