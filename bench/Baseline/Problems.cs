using System.Diagnostics;
using System.Text.Json;

namespace Notes.Baseline;

/// <summary>RFC 9457 problem details with the API's titles and details for the answers the benchmark can meet.</summary>
internal static class Problems
{
    public static Task NotFound(HttpContext context, int id) =>
        Write(context, StatusCodes.Status404NotFound, "https://tools.ietf.org/html/rfc9110#section-15.5.5", "Note not found", $"Note with id {id} was not found.");

    public static Task PreconditionFailed(HttpContext context, int id, string? ifMatch) =>
        Write(context, StatusCodes.Status412PreconditionFailed, "https://tools.ietf.org/html/rfc9110#section-15.5.13", "Note has changed",
            $"Note with id {id} no longer matches If-Match {ifMatch}: read it again and retry.");

    public static Task BadRequest(HttpContext context, string detail) =>
        Write(context, StatusCodes.Status400BadRequest, "https://tools.ietf.org/html/rfc9110#section-15.5.1", "Bad request", detail);

    public static Task MalformedBody(HttpContext context) =>
        Write(context, StatusCodes.Status400BadRequest, "https://tools.ietf.org/html/rfc9110#section-15.5.1", "Malformed request body",
            "The request body is not valid JSON or holds a value of the wrong type.");

    public static Task BreaksRule(HttpContext context, string field, string message) =>
        Write(context, StatusCodes.Status422UnprocessableEntity, "https://tools.ietf.org/html/rfc4918#section-11.2", "The request breaks a rule", message, (field, message));

    public static Task Busy(HttpContext context, string title, string detail, int retryAfterSeconds)
    {
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Write(context, StatusCodes.Status503ServiceUnavailable, "https://tools.ietf.org/html/rfc9110#section-15.6.4", title, detail);
    }

    private static async Task Write(HttpContext context, int status, string type, string title, string detail, (string Field, string Message)? error = null)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/problem+json";
        using (var json = new Utf8JsonWriter(response.BodyWriter))
        {
            json.WriteStartObject();
            json.WriteString("type", type);
            json.WriteString("title", title);
            json.WriteNumber("status", status);
            json.WriteString("detail", detail);
            json.WriteString("instance", context.Request.Path);
            if (error is var (field, message))
            {
                json.WriteStartObject("errors");
                json.WriteStartArray(field);
                json.WriteStringValue(message);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteString("traceId", Activity.Current?.Id ?? context.TraceIdentifier);
            json.WriteEndObject();
        }

        await response.BodyWriter.FlushAsync(context.RequestAborted);
    }
}
