using Microsoft.AspNetCore.Http.Timeouts;

namespace Notes.Infrastructure.Http;

/// <summary>
/// No request holds its connection past <c>RequestTimeouts:Seconds</c> (30): its work is cancelled (a database
/// query included) and it is answered 503 with problem details. An endpoint that legitimately runs longer, as
/// the streamed export does, names the <see cref="Streaming"/> policy (<c>RequestTimeouts:StreamingSeconds</c>,
/// 600) with <c>.WithRequestTimeout(RequestTimeoutSetup.Streaming)</c>, or opts out with <c>.DisableRequestTimeout()</c>.
/// A setting of 0 turns its limit off.
/// </summary>
public static class RequestTimeoutSetup
{
    /// <summary>The policy for responses that stream for as long as there is data, such as <c>GET /notes/all</c>.</summary>
    public const string Streaming = "streaming";

    public static IServiceCollection AddNotesRequestTimeouts(this IServiceCollection services)
    {
        services.AddRequestTimeouts();
        services.AddOptions<RequestTimeoutOptions>().Configure<IConfiguration>((options, configuration) =>
        {
            options.DefaultPolicy = Policy(configuration.GetValue("RequestTimeouts:Seconds", 30));
            options.AddPolicy(Streaming, Policy(configuration.GetValue("RequestTimeouts:StreamingSeconds", 600)));
        });
        return services;
    }

    private static RequestTimeoutPolicy Policy(double seconds) => new()
    {
        Timeout = seconds > 0 ? TimeSpan.FromSeconds(seconds) : null,
        TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable,
        WriteTimeoutResponse = context => context.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Title = "Request timed out",
                    Detail = $"The request took longer than the {seconds:0.##} seconds this API allows one, and was stopped.",
                },
            }).AsTask(),
    };
}
