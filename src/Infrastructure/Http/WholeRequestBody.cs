using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.WebUtilities;
using Notes.Infrastructure.Json;

namespace Notes.Infrastructure.Http;

/// <summary>
/// Reads a request's body whole (at most 64 KiB) before its endpoint runs. When Kestrel begins to stop, it wakes
/// every connection's reader; a body reader that has examined bytes it did not consume (as System.Text.Json's
/// PipeReader deserialisation does, mid-token) cannot hide that wake-up and throws, so a create in flight at shutdown
/// would get a 500. Read through the stream, the body survives it, and the endpoint then parses it from memory.
/// Inside the request timeout, so a body that trickles in is cut by it. An endpoint allowed a larger body than
/// <see cref="JsonSetup.MaxRequestBodyBytes"/> (an import) reads it as a stream itself, never whole.
/// </summary>
internal sealed class WholeRequestBody(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context) =>
        (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0) && !ReadsAStream(context)
            ? ReadWholeAsync(context)
            : next(context);

    private static bool ReadsAStream(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize > JsonSetup.MaxRequestBodyBytes;

    private async Task ReadWholeAsync(HttpContext context)
    {
        var request = context.Request;
        request.EnableBuffering(bufferThreshold: (int)JsonSetup.MaxRequestBodyBytes + 1);
        await request.Body.DrainAsync(context.RequestAborted);
        request.Body.Position = 0;
        await next(context);
    }
}
