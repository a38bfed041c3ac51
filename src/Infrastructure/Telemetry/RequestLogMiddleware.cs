using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Notes.Infrastructure.Streaming;

namespace Notes.Infrastructure.Telemetry;

/// <summary>
/// One structured event per request, written when it is answered: method, route template, status and duration.
/// The trace id comes with it, as with every line of the request, from the logging scope of the request's
/// activity. Category <c>Notes.Requests</c>: turned off with <c>Logging:LogLevel:Notes.Requests=Warning</c>, at
/// which point it costs one check per request. Never the path's values, the query, a header or a body.
/// </summary>
internal sealed partial class RequestLogMiddleware(RequestDelegate next, ILoggerFactory loggerFactory)
{
    public const string Category = "Notes.Requests";

    private readonly ILogger _logger = loggerFactory.CreateLogger(Category);

    public Task InvokeAsync(HttpContext context) =>
        _logger.IsEnabled(LogLevel.Information) ? LogAsync(context) : next(context);

    private async Task LogAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var failed = false;
        try
        {
            await next(context);
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            var milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var route = RouteOf(context);
            var status = failed ? StatusCodes.Status500InternalServerError : context.Response.StatusCode;
            if (context.Features.Get<ResponseCut>() is { } cut)
            {
                LogCut(_logger, context.Request.Method, route, status, milliseconds, cut.Reason);
            }
            else
            {
                LogRequest(_logger, context.Request.Method, route, status, milliseconds);
            }
        }
    }

    /// <summary>The route template; the exception handler clears the endpoint, but keeps it in its feature.</summary>
    private static string RouteOf(HttpContext context) =>
        (context.GetEndpoint() ?? context.Features.Get<IExceptionHandlerFeature>()?.Endpoint) is RouteEndpoint endpoint
            ? endpoint.RoutePattern.RawText ?? "(unnamed)"
            : "(no route)";

    [LoggerMessage(EventId = 1, EventName = "RequestAnswered", Level = LogLevel.Information,
        Message = "{Method} {Route} answered {StatusCode} in {DurationMs:0.0} ms")]
    private static partial void LogRequest(ILogger logger, string method, string route, int statusCode, double durationMs);

    [LoggerMessage(EventId = 2, EventName = "RequestCut", Level = LogLevel.Information,
        Message = "{Method} {Route} was cut after {DurationMs:0.0} ms ({Reason}): its {StatusCode} had started and the connection was aborted")]
    private static partial void LogCut(ILogger logger, string method, string route, int statusCode, double durationMs, string reason);
}
