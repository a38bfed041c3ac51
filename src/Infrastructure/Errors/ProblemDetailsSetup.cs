using System.Diagnostics;

namespace Notes.Infrastructure.Errors;

/// <summary>Every error is an RFC 9457 problem details response with status, title, detail and a trace id.</summary>
public static class ProblemDetailsSetup
{
    public const string TooLargeTitle = "Request body too large";
    public const string TooLargeDetail = "The request body is larger than this endpoint accepts.";

    public static IServiceCollection AddNotesProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            if (problem.Status == StatusCodes.Status413PayloadTooLarge && context.Exception is not RequestTooLargeException)
            {
                // Kestrel stops a chunked body itself: the same words as for a declared length, whichever noticed first.
                (problem.Title, problem.Detail) = (TooLargeTitle, TooLargeDetail);
            }

            problem.Instance ??= context.HttpContext.Request.Path;
            problem.Detail ??= problem.Title;
            problem.Extensions["traceId"] = Activity.Current?.Id ?? context.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<ApiExceptionHandler>();

        // Binding failures (a malformed body, a query value that is not a number) become exceptions that
        // ApiExceptionHandler turns into a 400 with a reason, instead of an empty 400.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }

    public static WebApplication UseNotesProblemDetails(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.Use(AnswerEmptyErrorsWithProblemsAsync);
        return app;
    }

    /// <summary>
    /// 404 for an unknown route, 405 for a wrong method, any error answered with no body: problem details too. What
    /// <c>UseStatusCodePages</c> does with problem details registered, without the feature it sets up on every request.
    /// </summary>
    private static async Task AnswerEmptyErrorsWithProblemsAsync(HttpContext context, RequestDelegate next)
    {
        await next(context);
        var response = context.Response;
        if (response.StatusCode is < 400 or >= 600 || response.HasStarted || response.ContentLength.HasValue || !string.IsNullOrEmpty(response.ContentType))
        {
            return;
        }

        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = { Status = response.StatusCode } });
    }
}
