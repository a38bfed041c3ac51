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
            if (problem.Status == StatusCodes.Status413PayloadTooLarge)
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
        // 404 for an unknown route, 405 for a wrong method: problem details too, not an empty body.
        app.UseStatusCodePages();
        return app;
    }
}
