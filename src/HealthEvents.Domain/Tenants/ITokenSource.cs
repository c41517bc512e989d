namespace HealthEvents.Domain.Tenants;

/// <summary>Where token references are read from; replaced in tests.</summary>
public interface ITokenSource
{
    string? FromEnvironment(string variable);

    string? FromFile(string path, out string? problem);
}

public sealed class SystemTokenSource : ITokenSource
{
    public static SystemTokenSource Instance { get; } = new();

    public string? FromEnvironment(string variable) => Environment.GetEnvironmentVariable(variable);

    public string? FromFile(string path, out string? problem)
    {
        try
        {
            problem = null;
            return File.ReadAllText(path).Trim();
        }
        catch (IOException ex)
        {
            problem = ex.GetType().Name;
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            problem = "access denied";
            return null;
        }
    }
}
