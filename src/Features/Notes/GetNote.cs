using Carter;
using Marten;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Notes.Features.Notes;

/// <summary>GET /notes/{id}: one note, with its revision as the ETag; 404 when there is none.</summary>
public static class GetNote
{
    public sealed record Query(int Id) : IRequest<Note?>;

    internal sealed class Handler(IQuerySession session) : IRequestHandler<Query, Note?>
    {
        public Task<Note?> Handle(Query query, CancellationToken cancellationToken) =>
            session.LoadAsync<Note>(query.Id, cancellationToken);
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet("/notes/{id:int}", async Task<Results<Ok<Note>, ProblemHttpResult>> (int id, IMediator mediator, HttpResponse response, CancellationToken cancellationToken) =>
                {
                    if (await mediator.Send(new Query(id), cancellationToken) is not { } note)
                    {
                        return NoteProblems.NotFound(id);
                    }

                    response.Headers.ETag = note.ETag();
                    return TypedResults.Ok(note);
                })
                .WithTags("Notes")
                .WithName(nameof(GetNote))
                .WithSummary("Read one note")
                .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
