namespace Notes.Features.Notes;

/// <summary>
/// DELETE /notes/trash/{id}: deletes a note in the trash for good, in one atomic statement; 404 when it is not in the
/// trash (a note that is not deleted stays: it must go to the trash first).
/// </summary>
public static class DeleteFromTrash
{
    public sealed record Command(long Id) : IRequest<bool>;

    internal sealed class Handler(IDocumentSession session, NoteTable table) : IRequestHandler<Command, bool>
    {
        public Task<bool> Handle(Command command, CancellationToken cancellationToken) =>
            session.AnyRowAsync(NoteStatements.Statement(table.DeleteFromTrash, command.Id), cancellationToken);
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapDelete("/notes/trash/{id:long}", async Task<Results<Ok<DeleteNote.Deleted>, ProblemHttpResult>> (
                    long id, IMediator mediator, CancellationToken cancellationToken) =>
                    await mediator.Send(new Command(id), cancellationToken)
                        ? TypedResults.Ok(new DeleteNote.Deleted($"Note with id {id} has been deleted for good."))
                        : NoteHttp.NotInTrash(id))
                .WithName(nameof(DeleteFromTrash))
                .WithSummary("Delete a note in the trash for good")
                .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
