namespace HealthEvents.Core.Hosting;

/// <summary>How addresses appear in logs: never their user info (credentials) or query (keys, tokens).</summary>
public static class LogSafe
{
    public static string Url(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return uri.IsAbsoluteUri ? uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped) : "(relative address)";
    }

    /// <summary>Text from elsewhere (a broker's reason, say): one line, printable, at most 200 characters.</summary>
    public static string Text(string? text)
    {
        var printable = new string((text ?? "").Select(c => char.IsControl(c) ? ' ' : c).ToArray());
        return printable.Length <= 200 ? printable : printable[..200] + "…";
    }
}
