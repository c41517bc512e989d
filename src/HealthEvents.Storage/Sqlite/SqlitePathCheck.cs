namespace HealthEvents.Storage.Sqlite;

/// <summary>
/// Whether the SQLite file can be created and written where <c>Storage:SqlitePath</c> says, checked
/// at start-up so a bad path is one configuration line, not a store failure on the first check.
/// </summary>
public static class SqlitePathCheck
{
    /// <summary>Why the store cannot be written at <paramref name="path"/>; null when it can.</summary>
    public static string? Problem(string path)
    {
        string folder;
        try
        {
            var full = Path.GetFullPath(path);
            folder = Path.GetDirectoryName(full) ?? full;
            Directory.CreateDirectory(folder);
            if (File.Exists(full))
            {
                using var existing = new FileStream(full, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
            }
            else
            {
                using var probe = new FileStream(Path.Combine(folder, $".healthevents-probe-{Guid.NewGuid():N}"),
                    FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            }

            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return $"Storage:SqlitePath: '{path}' cannot be created or written to ({Describe(ex)}).";
        }
    }

    private static string Describe(Exception ex) => ex switch
    {
        UnauthorizedAccessException => "permission denied",
        DirectoryNotFoundException or FileNotFoundException => "a folder on the way cannot be created",
        ArgumentException or NotSupportedException => "not a valid path",
        _ => ex.Message,
    };
}
