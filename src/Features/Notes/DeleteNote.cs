using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Notes.Infrastructure.Notifications;
using Notes.Infrastructure.OpenApi;

namespace Notes.Features.Notes;

/// <summary>
/// DELETE /notes/{id}: removes a note in one atomic statement and says so; 404 when there is none, so of any number
/// of concurrent deletes of one note exactly one answers 200. With <c>If-Match</c>, only a revision it names (else 412).
/// </summary>
public static class DeleteNote
{
    /// <summary>Deletes note <c>Id</c> if it is in one of the revisions <c>IfMatch</c> names (from the header); any when null.</summary>
    public sealed record Command(long Id, IReadOnlyList<int>? IfMatch = null) : IRequest<WriteOutcome>, IChangesNotes;

    /// <param name="Message">What was done, e.g. "Note with id 7 has been deleted."</param>
    [OpenApiExample("""{"message":"Note with id 7 has been deleted."}""")]
    public sealed record Deleted(string Message);

    internal sealed class Handler(IDocumentSession session, NoteTable table) : IRequestHandler<Command, WriteOutcome>
    {
        public async Task<WriteOutcome> Handle(Command command, CancellationToken cancellationToken)
        {
            var statement = command.IfMatch is null
                ? NoteStatements.Statement(table.DeleteById, command.Id)
                : NoteStatements.Statement(table.DeleteByIdInRevisions, command.Id, command.IfMatch.ToArray());
            return await session.AnyRowAsync(statement, cancellationToken)
                ? new WriteOutcome.Deleted()
                : await session.WhyNotWrittenAsync(table, command.Id, cancellationToken);
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapDelete("/notes/{id:long}", async Task<Results<Ok<Deleted>, ProblemHttpResult>> (
                    long id, [FromHeader(Name = "If-Match")] string? ifMatch, IMediator mediator, CancellationToken cancellationToken) =>
                    await mediator.Send(new Command(id, NoteETags.AcceptedByIfMatch(ifMatch)), cancellationToken) switch
                    {
                        WriteOutcome.Deleted => TypedResults.Ok(new Deleted($"Note with id {id} has been deleted.")),
                        WriteOutcome.NotFound => NoteHttp.NotFound(id),
                        WriteOutcome.PreconditionFailed => NoteHttp.PreconditionFailed(id, ifMatch),
                        var other => throw new UnreachableException($"Unknown outcome {other}"),
                    })
                .WithName(nameof(DeleteNote))
                .WithSummary("Delete a note")
                .WithDescription("With `If-Match`, only a revision it names is deleted: if the note changed since, the answer is 412 and it stays.")
                .ProducesProblem(StatusCodes.Status404NotFound)
                .ProducesProblem(StatusCodes.Status412PreconditionFailed);
    }
}
