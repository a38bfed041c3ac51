using System.Diagnostics;
using System.Text.Json;
using JasperFx;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Notes.Infrastructure.Database;

namespace Notes.Infrastructure.Errors;

/// <summary>
/// Turns what escapes a request into problem details: the client's mistakes into 4xx with a reason,
/// an unreachable database into 503 with Retry-After, and our own faults into a 500 that shows nothing internal.
/// </summary>
internal sealed partial class ApiExceptionHandler(IProblemDetailsService problemDetails, ILogger<ApiExceptionHandler> logger)
    : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (httpContext.RequestAborted.IsCancellationRequested)
        {
            return true; // the client has gone; nobody is left to answer
        }

        var problem = exception switch
        {
            ValidationException validation => ValidationProblem(validation),
            RequestTooLargeException tooLarge => Problem(StatusCodes.Status413PayloadTooLarge, ProblemDetailsSetup.TooLargeTitle, tooLarge.Message),
            IdsExhaustedException exhausted => IdsExhausted(exhausted),
            BadHttpRequestException { InnerException: JsonException json } => InvalidJson(json),
            JsonException json => InvalidJson(json),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => Problem(
                StatusCodes.Status413PayloadTooLarge, ProblemDetailsSetup.TooLargeTitle, ProblemDetailsSetup.TooLargeDetail),
            BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } unsupported => Problem(
                StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", unsupported.Message),
            BadHttpRequestException badRequest => Problem(badRequest.StatusCode, "Bad request", BindingMessages.Explain(badRequest.Message)),
            ServerBusyException busy => Busy(httpContext, busy),
            GoneException gone => Problem(StatusCodes.Status410Gone, gone.Title, gone.Message),
            ConcurrencyException => Problem(
                StatusCodes.Status409Conflict, "Conflict", "The note was changed by other requests while this one ran; send it again."),
            _ when DatabaseErrors.IsUnavailable(exception) => Unavailable(httpContext, exception),
            _ => Unexpected(httpContext, exception),
        };

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static HttpValidationProblemDetails ValidationProblem(ValidationException exception)
    {
        var errors = exception.Errors
            .GroupBy(failure => FieldName(failure.PropertyName))
            .ToDictionary(group => group.Key, group => group.Select(failure => failure.ErrorMessage).ToArray());
        var problem = new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = "The request breaks a rule",
            Detail = string.Join(" ", errors.Values.SelectMany(messages => messages)),
        };
        if (exception is CountedValidationException counted)
        {
            problem.Extensions["errorCount"] = counted.ErrorCount;
        }

        return problem;
    }

    /// <summary>
    /// 507: the server cannot store anything new, which is neither the client's fault (4xx) nor passing (503, whose
    /// Retry-After would have clients try again and again); an operator has to act.
    /// </summary>
    private ProblemDetails IdsExhausted(IdsExhaustedException exception)
    {
        LogIdsExhausted(logger, exception.Message);
        return Problem(StatusCodes.Status507InsufficientStorage, "Note ids are exhausted", exception.Message);
    }

    /// <summary>A member's path as the client wrote it: <c>Text</c> is <c>text</c>, <c>[3].Text</c> is <c>[3].text</c>.</summary>
    private static string FieldName(string propertyPath) =>
        string.Join('.', propertyPath.Split('.').Select(JsonNamingPolicy.CamelCase.ConvertName));

    private static ProblemDetails InvalidJson(JsonException exception)
    {
        // JsonException messages name .NET types; the path and position say enough to the client.
        var where = exception.Path is null or "$"
            ? ""
            : $" at '{exception.Path}'";
        var position = exception.LineNumber is { } line && exception.BytePositionInLine is { } column
            ? $" (line {line + 1}, position {column + 1})"
            : "";
        return Problem(
            StatusCodes.Status400BadRequest,
            "Malformed request body",
            $"The request body is not valid JSON or holds a value of the wrong type{where}{position}.");
    }

    private ProblemDetails Unavailable(HttpContext httpContext, Exception exception)
    {
        LogDatabaseUnavailable(logger, DatabaseErrors.Reason(exception));
        MarkFailed(httpContext, exception);
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problem(
            StatusCodes.Status503ServiceUnavailable,
            "Service unavailable",
            $"The database is not reachable right now; try again in {RetryAfterSeconds} seconds.");
    }

    private static ProblemDetails Busy(HttpContext httpContext, ServerBusyException busy)
    {
        httpContext.Response.Headers.RetryAfter = busy.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problem(StatusCodes.Status503ServiceUnavailable, busy.Title, busy.Message);
    }

    private ProblemDetails Unexpected(HttpContext httpContext, Exception exception)
    {
        LogUnexpected(logger, exception);
        MarkFailed(httpContext, exception);
        return Problem(StatusCodes.Status500InternalServerError, "Internal server error", "An unexpected error occurred; it has been logged.");
    }

    /// <summary>A fault of the service rather than an answer to the client: the request's span fails, with the exception.</summary>
    private static void MarkFailed(HttpContext httpContext, Exception exception)
    {
        if (httpContext.Features.Get<IHttpActivityFeature>()?.Activity is { IsAllDataRequested: true } activity)
        {
            activity.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
            activity.AddException(exception);
        }
    }

    private static ProblemDetails Problem(int status, string title, string detail) =>
        new() { Status = status, Title = title, Detail = detail };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database unavailable: {Reason}")]
    private static partial void LogDatabaseUnavailable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Nothing new can be stored: {Reason}")]
    private static partial void LogIdsExhausted(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception")]
    private static partial void LogUnexpected(ILogger logger, Exception exception);
}
