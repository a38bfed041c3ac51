using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Notes.Features.Notes;

/// <summary>The problem details the notes endpoints answer with, worded once.</summary>
internal static class NoteProblems
{
    public static ProblemHttpResult NotFound(long id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Note not found",
        detail: $"Note with id {id} was not found.");

    public static ProblemHttpResult PreconditionFailed(long id, string? ifMatch) => TypedResults.Problem(
        statusCode: StatusCodes.Status412PreconditionFailed,
        title: "Note has changed",
        detail: $"Note with id {id} no longer matches If-Match {ifMatch}: read it again and retry.");

    public static ProblemHttpResult Exists(long id) => TypedResults.Problem(
        statusCode: StatusCodes.Status412PreconditionFailed,
        title: "Note exists",
        detail: $"Note with id {id} exists, and If-None-Match: * asks to write only where there is none.");
}

/// <summary>How the notes endpoints answer what a use case did.</summary>
internal static class NoteResults
{
    public const string JsonContentType = "application/json; charset=utf-8";

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
                return NoteProblems.PreconditionFailed(id, ifMatch);
            case WriteOutcome.NotFound:
                return NoteProblems.NotFound(id);
            default:
                throw new UnreachableException($"Unknown outcome {outcome}");
        }
    }
}
