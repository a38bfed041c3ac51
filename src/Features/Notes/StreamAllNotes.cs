using Carter;
using Marten;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Notes.Infrastructure.Http;

namespace Notes.Features.Notes;

/// <summary>
/// GET /notes/all: every note in id order, streamed row by row from PostgreSQL to the response,
/// so memory stays flat whatever the size of the table.
/// </summary>
public static class StreamAllNotes
{
    public sealed record Query : IRequest<IAsyncEnumerable<Note>>;

    internal sealed class Handler(IQuerySession session) : IRequestHandler<Query, IAsyncEnumerable<Note>>
    {
        public Task<IAsyncEnumerable<Note>> Handle(Query query, CancellationToken cancellationToken) =>
            Task.FromResult(session.Query<Note>().OrderBy(note => note.Id).ToAsyncEnumerable(cancellationToken));
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet("/notes/all", async Task<Ok<IAsyncEnumerable<Note>>> (IMediator mediator, CancellationToken cancellationToken) =>
                    TypedResults.Ok(await mediator.Send(new Query(), cancellationToken)))
                .WithRequestTimeout(RequestTimeoutSetup.Streaming) // streams for as long as there are notes
                .WithTags("Notes")
                .WithName(nameof(StreamAllNotes))
                .WithSummary("Read every note, streamed")
                .WithDescription("Every note in id order, written to the response as it is read from the database: memory stays flat at any table size.");
    }
}
