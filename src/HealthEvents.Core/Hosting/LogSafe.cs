namespace HealthEvents.Core.Hosting;

/// <summary>How addresses appear in logs: never their user info (credentials) or query (keys, tokens).</summary>
public static class LogSafe
{
    public static string Url(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return uri.IsAbsoluteUri ? uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped) : "(relative address)";
    }
}
