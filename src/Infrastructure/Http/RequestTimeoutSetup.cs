using Microsoft.AspNetCore.Http.Timeouts;

namespace Notes.Infrastructure.Http;

/// <summary>
/// No request holds its connection past <c>RequestTimeouts:Seconds</c> (30): its work is cancelled (a database
/// query included) and it is answered 503 with problem details. An endpoint that legitimately runs longer (a large
/// upload) names the <see cref="LongRunning"/> policy (<c>RequestTimeouts:LongRunningSeconds</c>, 600) with
/// <c>.WithRequestTimeout(RequestTimeoutSetup.LongRunning)</c>, or opts out with <c>.DisableRequestTimeout()</c>, as the
/// streamed export does: it limits its time without progress instead (<c>Streams:StallSeconds</c>).
/// A setting of 0 turns its limit off.
/// </summary>
public static class RequestTimeoutSetup
{
    /// <summary>The policy for endpoints that run long by nature, such as <c>POST /notes/import</c>.</summary>
    public const string LongRunning = "long-running";

    public static IServiceCollection AddNotesRequestTimeouts(this IServiceCollection services)
    {
        services.AddRequestTimeouts();
        services.AddOptions<RequestTimeoutOptions>().Configure<IConfiguration>((options, configuration) =>
        {
            options.DefaultPolicy = Policy(configuration.GetValue("RequestTimeouts:Seconds", 30));
            options.AddPolicy(LongRunning, Policy(configuration.GetValue("RequestTimeouts:LongRunningSeconds", 600)));
        });
        return services;
    }

    private static RequestTimeoutPolicy Policy(double seconds) => new()
    {
        Timeout = seconds > 0 ? TimeSpan.FromSeconds(seconds) : null,
        TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable,
        WriteTimeoutResponse = context => WriteTimedOutAsync(
            context, $"The request took longer than the {seconds:0.##} seconds this API allows one, and was stopped."),
    };

    /// <summary>The 503 of a request stopped by a time limit, saying which.</summary>
    public static Task WriteTimedOutAsync(HttpContext context, string detail)
    {
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = StatusCodes.Status503ServiceUnavailable, Title = "Request timed out", Detail = detail },
        }).AsTask();
    }
}
