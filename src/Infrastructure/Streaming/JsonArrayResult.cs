using Notes.Infrastructure.Database;

namespace Notes.Infrastructure.Streaming;

/// <summary>
/// Writes a sequence as a JSON array while it is read, with flat memory: each item is JSON already (a stored
/// document) and goes out as it is. The first item is read before the response starts, so a failure there (a busy
/// server, an unreachable database) is still an ordinary problem details answer. A failure after the 200 has gone out
/// cannot change it any more: the connection is aborted, never ended cleanly, so the client sees a broken transfer
/// instead of a short array, and the failure is logged with the count sent. A client that goes away stops the
/// reading at once, and what the sequence holds (a database connection, a slot) is released.
/// </summary>
public sealed partial class JsonArrayResult<T>(IAsyncEnumerable<T> items, Func<T, byte[]> json) : IResult
{
    private const int FlushBytes = 32 * 1024;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var aborted = httpContext.RequestAborted;
        await using var enumerator = items.GetAsyncEnumerator(aborted);
        var any = await enumerator.MoveNextAsync();

        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        var body = response.BodyWriter;
        var sent = 0L;
        try
        {
            // Items are copied into one block of the response pipe at a time, advanced and flushed every FlushBytes:
            // each GetSpan and Advance takes the connection's output lock, too dear once per item.
            var block = body.GetMemory(FlushBytes);
            block.Span[0] = (byte)'[';
            var used = 1;
            for (var more = any; more; more = await enumerator.MoveNextAsync())
            {
                var item = json(enumerator.Current);
                var needed = item.Length + 2; // a comma before it, or the closing bracket after the last one
                if (used + needed > block.Length)
                {
                    body.Advance(used);
                    // What is written to the response pipe is not sent until the pipe is flushed, and the flush is
                    // what waits for a slow reader: flush often, or the whole answer piles up in memory.
                    await body.FlushAsync(aborted);
                    block = body.GetMemory(Math.Max(needed, FlushBytes));
                    used = 0;
                }

                if (sent > 0)
                {
                    block.Span[used++] = (byte)',';
                }

                item.CopyTo(block.Span[used..]);
                used += item.Length;
                sent++;
            }

            block.Span[used++] = (byte)']';
            body.Advance(used);
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Streaming {Path} failed after {Sent} items were sent ({Reason}); the connection was aborted so the client sees the transfer broken")]
    private static partial void LogBroken(ILogger logger, Exception exception, string path, long sent, string reason);
}
