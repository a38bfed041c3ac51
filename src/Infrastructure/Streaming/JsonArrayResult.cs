using Notes.Infrastructure.Database;
using Notes.Infrastructure.Http;

namespace Notes.Infrastructure.Streaming;

/// <summary>
/// Writes a sequence as a JSON array while it is read, with flat memory: each item is JSON already (a stored
/// document) and goes out as it is. It runs in a slot of <see cref="StreamSlots"/> (503 when there is none for this
/// client), and a HEAD is answered with the headers alone, reading nothing and taking no slot. The first item is read
/// before the response starts, so a failure there (a busy server, an unreachable database) is still an ordinary
/// problem details answer. Its time limit is on time without progress: it is cut once neither a page nor the
/// reader has moved for <see cref="StreamSlots.StallLimit"/>, however long it has run. A cut after the 200 has gone
/// out (no progress, a failure, the client gone, shutdown) aborts the connection, never ends it cleanly, so the client
/// sees a broken transfer instead of a short array; the cut is logged with why and the count sent.
/// </summary>
public sealed partial class JsonArrayResult<T>(IAsyncEnumerable<T> items, Func<T, byte[]> json) : IResult
{
    private const int FlushBytes = 32 * 1024;
    private const string ContentType = "application/json; charset=utf-8";

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        if (HeadRequestSetup.IsHead(httpContext))
        {
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = ContentType;
            return;
        }

        var slots = httpContext.RequestServices.GetRequiredService<StreamSlots>();
        using var slot = slots.Enter(RateLimitSetup.ClientKey(httpContext));
        var limit = slots.StallLimit;
        var clientGone = httpContext.RequestAborted;
        // The timer alone tells a stall: once it cancels a flush, Kestrel may abort the request too, before the cut is told.
        using var timer = new CancellationTokenSource(limit);
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(clientGone, timer.Token);
        await using var enumerator = items.GetAsyncEnumerator(stall.Token);
        bool any;
        try
        {
            any = await enumerator.MoveNextAsync();
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested)
        {
            await WriteStalledAsync(httpContext, limit);
            return;
        }

        timer.CancelAfter(limit);
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        var body = response.BodyWriter;
        var sent = 0L;
        try
        {
            // Items are copied into one block of the response pipe at a time, advanced and flushed every FlushBytes:
            // each GetSpan and Advance takes the connection's output lock, too dear once per item.
            var block = body.GetMemory(FlushBytes);
            block.Span[0] = (byte)'[';
            var used = 1;
            for (var more = any; more;)
            {
                var item = json(enumerator.Current);
                var needed = item.Length + 2; // a comma before it, or the closing bracket after the last one
                if (used + needed > block.Length)
                {
                    body.Advance(used);
                    // What is written to the response pipe is not sent until the pipe is flushed, and the flush is
                    // what waits for a slow reader: flush often, or the whole answer piles up in memory.
                    await body.FlushAsync(stall.Token);
                    timer.CancelAfter(limit);
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

                // Only a wait means a page was read (the rest of a page is at hand): progress, and time to re-arm.
                var next = enumerator.MoveNextAsync();
                if (next.IsCompleted)
                {
                    more = next.Result;
                }
                else
                {
                    more = await next;
                    timer.CancelAfter(limit);
                }
            }

            block.Span[used++] = (byte)']';
            body.Advance(used);
            await body.FlushAsync(stall.Token);
        }
        catch (Exception exception)
        {
            Cut(httpContext, exception, sent, timer.IsCancellationRequested, limit);
        }
    }

    private static void Cut(HttpContext httpContext, Exception exception, long sent, bool stalled, TimeSpan limit)
    {
        var services = httpContext.RequestServices;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Notes.Streaming");
        var path = httpContext.Request.Path.ToString();
        string reason;
        if (stalled)
        {
            reason = $"no progress for {limit.TotalSeconds:0.##} s, Streams:StallSeconds";
            LogCut(logger, LogLevel.Warning, null, path, sent, reason);
        }
        else if (httpContext.RequestAborted.IsCancellationRequested)
        {
            var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested;
            reason = stopping ? "the server shut down before it was over" : "the client went away";
            LogCut(logger, stopping ? LogLevel.Warning : LogLevel.Information, null, path, sent, reason);
        }
        else
        {
            reason = DatabaseErrors.Reason(exception);
            LogCut(logger, LogLevel.Error, exception, path, sent, reason);
        }

        httpContext.Features.Set(new ResponseCut(reason));
        httpContext.Abort();
    }

    private static Task WriteStalledAsync(HttpContext httpContext, TimeSpan limit) => RequestTimeoutSetup.WriteTimedOutAsync(
        httpContext, $"The export read nothing from the database for {limit.TotalSeconds:0.##} seconds, and was stopped.");

    [LoggerMessage(Message = "Streaming {Path} cut after {Sent} items were sent ({Reason}); the connection was aborted so the client sees the transfer broken")]
    private static partial void LogCut(ILogger logger, LogLevel level, Exception? exception, string path, long sent, string reason);
}
