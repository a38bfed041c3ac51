using Microsoft.Net.Http.Headers;
using Notes.Infrastructure.Notifications;
using Notes.Infrastructure.OpenApi;

namespace Notes.Features.Notes;

/// <summary>
/// POST /notes/{id}/restore: takes a note out of the trash, with its id, text and times, in a new revision (its ETag
/// changes, so a client's <c>If-Match</c> from before the delete no longer holds); 404 when it is not in the trash.
/// </summary>
public static class RestoreNote
{
    public sealed record Command(long Id) : IRequest<StoredNote?>, IChangesNotes;

    internal sealed class Handler(IDocumentSession session, NoteTable table) : IRequestHandler<Command, StoredNote?>
    {
        public Task<StoredNote?> Handle(Command command, CancellationToken cancellationToken) =>
            session.ReadNoteAsync(NoteStatements.Statement(table.Restore, command.Id), cancellationToken);
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPost("/notes/{id:long}/restore", async Task<Results<Utf8ContentHttpResult, ProblemHttpResult>> (
                    long id, IMediator mediator, HttpResponse response, CancellationToken cancellationToken) =>
                {
                    if (await mediator.Send(new Command(id), cancellationToken) is not { } note)
                    {
                        return NoteHttp.NotInTrash(id);
                    }

                    response.Headers.Location = $"/notes/{note.Id}";
                    return NoteHttp.Json(note, response);
                })
                .WithName(nameof(RestoreNote))
                .WithSummary("Restore a note from the trash")
                .WithDescription("The note comes back with the same id, text and times, in a new revision: its `ETag` changes.")
                .ProducesNote()
                .WithResponseHeader(StatusCodes.Status200OK, HeaderNames.Location, "The note's address, e.g. /notes/7.")
                .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
