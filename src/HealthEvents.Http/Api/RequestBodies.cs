using Microsoft.AspNetCore.Http;

namespace HealthEvents.Http.Api;

/// <summary>Reads a request body no further than a limit, whatever Content-Length claims (or when there is none).</summary>
public static class RequestBodies
{
    /// <summary>The body, or null as soon as it is longer than <paramref name="limit"/>.</summary>
    public static async Task<byte[]?> ReadAtMostAsync(HttpRequest request, long limit)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
