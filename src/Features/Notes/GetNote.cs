using Microsoft.AspNetCore.Mvc;

namespace Notes.Features.Notes;

/// <summary>
/// GET /notes/{id}: one note, with its revision as the ETag; 404 when there is none, 304 when <c>If-None-Match</c>
/// names the revision the client already has.
/// </summary>
public static class GetNote
{
    public sealed record Query(long Id) : IRequest<StoredNote?>;

    internal sealed class Handler(IQuerySession session, NoteTable table) : IRequestHandler<Query, StoredNote?>
    {
        public Task<StoredNote?> Handle(Query query, CancellationToken cancellationToken) =>
            session.ReadNoteAsync(NoteStatements.Statement(table.SelectById, query.Id), cancellationToken);
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet("/notes/{id:long}", async Task<Results<Utf8ContentHttpResult, StatusCodeHttpResult, ProblemHttpResult>> (
                    long id, [FromHeader(Name = "If-None-Match")] string? ifNoneMatch, IMediator mediator, HttpResponse response, CancellationToken cancellationToken) =>
                {
                    if (await mediator.Send(new Query(id), cancellationToken) is not { } note)
                    {
                        return NoteHttp.NotFound(id);
                    }

                    if (NoteETags.IfNoneMatchNames(ifNoneMatch, note.Version))
                    {
                        response.Headers.ETag = note.ETag();
                        return TypedResults.StatusCode(StatusCodes.Status304NotModified);
                    }

                    return NoteHttp.Json(note, response);
                })
                .WithName(nameof(GetNote))
                .WithSummary("Read one note")
                .WithDescription("Send `If-None-Match` with the `ETag` you have: while the note is unchanged the answer is 304 with no body.")
                .ProducesNote()
                .Produces(StatusCodes.Status304NotModified)
                .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
