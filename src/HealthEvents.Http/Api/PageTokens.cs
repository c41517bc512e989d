using System.Text;

namespace HealthEvents.Http.Api;

/// <summary>How a page's end travels to the caller and back: opaque URL-safe text the API wrote; anything else reads as null.</summary>
internal static class PageTokens
{
    public static string Write(string position) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(position)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string? Read(string token)
    {
        try
        {
            var padded = token.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            return Encoding.UTF8.GetString(Convert.FromBase64String(padded));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
