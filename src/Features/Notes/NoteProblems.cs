using Microsoft.AspNetCore.Http.HttpResults;

namespace Notes.Features.Notes;

/// <summary>The problem details the notes endpoints answer with, worded once.</summary>
internal static class NoteProblems
{
    public static ProblemHttpResult NotFound(int id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Note not found",
        detail: $"Note with id {id} was not found.");

    public static ProblemHttpResult VersionMismatch(int id, string ifMatch) => TypedResults.Problem(
        statusCode: StatusCodes.Status412PreconditionFailed,
        title: "Note has changed",
        detail: $"Note with id {id} no longer matches If-Match {ifMatch}: read it again and retry.");
}
