using System.Diagnostics;
using Microsoft.Net.Http.Headers;
using Notes.Infrastructure.Auth;
using Notes.Infrastructure.OpenApi;

namespace Notes.Features.Notes;

/// <summary>
/// The notes endpoints' group, and how they answer, worded once: a note with its ETag, the problems, and what OpenAPI
/// says of them.
/// </summary>
internal static class NoteHttp
{
    public const string JsonContentType = "application/json; charset=utf-8";

    /// <summary>
    /// Maps every Carter module (each a notes endpoint) in one group, which tags their operations "Notes". The group has
    /// no prefix: "/notes" + "" would make the list's route "/notes/" in the metrics and the request log.
    /// </summary>
    public static void MapNotes(this IEndpointRouteBuilder app) =>
        app.MapGroup("").WithTags("Notes").RequireNotesCaller(app.ServiceProvider).MapCarter();

    /// <summary>A note with its ETag: its stored JSON, written out as it is.</summary>
    public static Utf8ContentHttpResult Json(StoredNote note, HttpResponse response)
    {
        response.Headers.ETag = note.ETag();
        return TypedResults.Text(note.Json, JsonContentType);
    }

    /// <summary>The written note with its new ETag, or why it was not written.</summary>
    public static Results<Utf8ContentHttpResult, ProblemHttpResult> Written(WriteOutcome outcome, long id, string? ifMatch, HttpResponse response)
    {
        switch (outcome)
        {
            case WriteOutcome.Written(var note):
                return Json(note, response);
            case WriteOutcome.PreconditionFailed:
                return PreconditionFailed(id, ifMatch);
            case WriteOutcome.NotFound:
                return NotFound(id);
            default:
                throw new UnreachableException($"Unknown outcome {outcome}");
        }
    }

    public static ProblemHttpResult NotFound(long id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Note not found",
        detail: $"Note with id {id} was not found.");

    public static ProblemHttpResult NotInTrash(long id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Note not in the trash",
        detail: $"Note with id {id} is not in the trash.");

    /// <summary>Notes' JSON documents, written out as one array.</summary>
    public static byte[] JsonArray(IReadOnlyList<byte[]> documents)
    {
        var buffer = new byte[2 + documents.Sum(document => document.Length + 1)];
        var at = 0;
        buffer[at++] = (byte)'[';
        for (var i = 0; i < documents.Count; i++)
        {
            if (i > 0)
            {
                buffer[at++] = (byte)',';
            }

            documents[i].CopyTo(buffer, at);
            at += documents[i].Length;
        }

        buffer[at++] = (byte)']';
        return buffer.AsSpan(0, at).ToArray();
    }

    public static ProblemHttpResult PreconditionFailed(long id, string? ifMatch) => TypedResults.Problem(
        statusCode: StatusCodes.Status412PreconditionFailed,
        title: "Note has changed",
        detail: $"Note with id {id} no longer matches If-Match {ifMatch}: read it again and retry.");

    public static ProblemHttpResult Exists(long id) => TypedResults.Problem(
        statusCode: StatusCodes.Status412PreconditionFailed,
        title: "Note exists",
        detail: $"Note with id {id} exists, and If-None-Match: * asks to write only where there is none.");

    /// <summary>200 with a note (written from its stored JSON, which the schema generator cannot see) and its ETag.</summary>
    public static RouteHandlerBuilder ProducesNote(this RouteHandlerBuilder builder) =>
        builder.Produces<Note>(StatusCodes.Status200OK, "application/json")
            .WithResponseHeader(StatusCodes.Status200OK, HeaderNames.ETag, "The note's revision, e.g. \"3\": send it in If-Match or If-None-Match.");

    /// <summary>What a change of one note answers: the note, or why it was not changed (PUT and PATCH alike).</summary>
    public static RouteHandlerBuilder ProducesChangedNote(this RouteHandlerBuilder builder) =>
        builder.ProducesNote()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
}
