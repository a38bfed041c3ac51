using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using System.Reflection;
using Notes.Infrastructure.Database;

namespace Notes.Infrastructure.Streaming;

/// <summary>
/// Writes a sequence as a JSON array while it is read, with flat memory. The first item is read before the response
/// starts, so a failure there (a busy server, an unreachable database) is still an ordinary problem details answer.
/// A failure after the 200 has gone out cannot change it any more: the connection is aborted, never ended cleanly, so
/// the client sees a broken transfer instead of a short array, and the failure is logged with the count sent.
/// A client that goes away stops the reading at once, and what the sequence holds (a database connection, a slot)
/// is released.
/// </summary>
public sealed partial class JsonArrayResult<T>(IAsyncEnumerable<T> items) : IResult, IEndpointMetadataProvider
{
    private const int FlushBytes = 32 * 1024;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var aborted = httpContext.RequestAborted;
        var options = httpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var typeInfo = (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));

        await using var enumerator = items.GetAsyncEnumerator(aborted);
        var any = await enumerator.MoveNextAsync();

        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        var body = response.BodyWriter;
        var sent = 0L;
        try
        {
            await using var writer = new Utf8JsonWriter(body);
            writer.WriteStartArray();
            var flushed = 0L;
            for (var more = any; more; more = await enumerator.MoveNextAsync())
            {
                JsonSerializer.Serialize(writer, enumerator.Current, typeInfo);
                sent++;
                // Bytes the writer handed to the response pipe are not sent until the pipe is flushed, and the flush is
                // what waits for a slow reader: flush often, or the whole answer piles up in memory.
                if (writer.BytesCommitted + writer.BytesPending - flushed >= FlushBytes)
                {
                    await writer.FlushAsync(aborted);
                    await body.FlushAsync(aborted);
                    flushed = writer.BytesCommitted;
                }
            }

            writer.WriteEndArray();
            await writer.FlushAsync(aborted);
            await body.FlushAsync(aborted);
        }
        catch (Exception) when (aborted.IsCancellationRequested)
        {
            // the client went away: nobody is left to answer
        }
        catch (Exception exception)
        {
            var logger = httpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Notes.Streaming");
            LogBroken(logger, exception, httpContext.Request.Path, sent, DatabaseErrors.Reason(exception));
            httpContext.Abort();
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000", Justification = "IEndpointMetadataProvider is a static interface.")]
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(IEnumerable<T>), ["application/json"]));

    [LoggerMessage(Level = LogLevel.Error, Message = "Streaming {Path} failed after {Sent} items were sent ({Reason}); the connection was aborted so the client sees the transfer broken")]
    private static partial void LogBroken(ILogger logger, Exception exception, string path, long sent, string reason);
}
