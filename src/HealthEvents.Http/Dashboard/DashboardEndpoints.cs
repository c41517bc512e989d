using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace HealthEvents.Http.Dashboard;

/// <summary>
/// The dashboard at <c>/</c>: three static files carried in this assembly (no front-end build).
/// The page holds no data of its own: its script reads the API with the key the person types in,
/// so it sees exactly what that key may see.
/// </summary>
public static class DashboardEndpoints
{
    private static readonly (string Path, string Resource, string ContentType)[] Files =
    [
        ("/", "dashboard/index.html", "text/html; charset=utf-8"),
        ("/dashboard.js", "dashboard/dashboard.js", "text/javascript; charset=utf-8"),
        ("/dashboard.css", "dashboard/dashboard.css", "text/css; charset=utf-8"),
    ];

    public static void MapDashboard(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        foreach (var (path, resource, contentType) in Files)
        {
            var content = Read(resource);
            app.MapGet(path, (HttpContext http) =>
            {
                // The page may not be framed by other sites, nor run scripts from anywhere but here.
                http.Response.Headers.ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'";
                http.Response.Headers.XContentTypeOptions = "nosniff";
                return Results.Bytes(content, contentType);
            }).ExcludeFromDescription();
        }
    }

    private static byte[] Read(string resource)
    {
        using var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The dashboard file {resource} is not in the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
