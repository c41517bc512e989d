using System.Diagnostics.CodeAnalysis;

namespace HealthEvents.Domain.HealthChecks;

/// <summary>
/// Graph node ids are decimal digits. Checking this before any URL is built means nothing a
/// caller sends can change the path or the query of a Graph request.
/// </summary>
public static class GraphId
{
    public const int MaxLength = 32;

    public static bool IsValid([NotNullWhen(true)] string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= MaxLength && value.All(char.IsAsciiDigit);
}
