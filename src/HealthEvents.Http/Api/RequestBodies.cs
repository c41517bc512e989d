using Microsoft.AspNetCore.Http;

namespace HealthEvents.Http.Api;

/// <summary>Reads a request body no further than a limit, whatever Content-Length claims (or when there is none).</summary>
public static class RequestBodies
{
    /// <summary>
    /// The body, or null when it is longer than <paramref name="limit"/>: without reading a byte
    /// when Content-Length already says so, else as soon as the bytes read pass it.
    /// </summary>
    public static async Task<byte[]?> ReadAtMostAsync(HttpRequest request, long limit)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > limit)
        {
            return null;
        }

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
