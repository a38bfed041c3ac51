using System.Runtime.CompilerServices;
using Carter;
using Marten;
using MediatR;
using Notes.Infrastructure.Streaming;

namespace Notes.Features.Notes;

/// <summary>
/// GET /notes/all: every note in id order, streamed to the response with flat memory whatever the size of the table.
/// Notes are read in pages by id, each on a pooled connection held only while the page is read, so a slow or stuck
/// reader never holds a database connection; at most <c>Streams:MaxConcurrent</c> exports run at once (else 503).
/// </summary>
public static class StreamAllNotes
{
    public const int PageSize = 1000;

    public sealed record Query : IRequest<IAsyncEnumerable<Note>>;

    internal sealed class Handler(IQuerySession session, StreamSlots slots) : IRequestHandler<Query, IAsyncEnumerable<Note>>
    {
        public Task<IAsyncEnumerable<Note>> Handle(Query query, CancellationToken cancellationToken) =>
            Task.FromResult(Read(cancellationToken));

        private async IAsyncEnumerable<Note> Read([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            using var slot = slots.Enter();
            var after = 0;
            while (true)
            {
                var page = await session.Query<Note>()
                    .Where(note => note.Id > after)
                    .OrderBy(note => note.Id)
                    .Take(PageSize)
                    .ToListAsync(cancellationToken);
                foreach (var note in page)
                {
                    yield return note;
                }

                if (page.Count < PageSize)
                {
                    yield break;
                }

                after = page[^1].Id;
            }
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet("/notes/all", async Task<JsonArrayResult<Note>> (IMediator mediator, CancellationToken cancellationToken) =>
                    new JsonArrayResult<Note>(await mediator.Send(new Query(), cancellationToken)))
                .WithTags("Notes")
                .WithName(nameof(StreamAllNotes))
                .WithSummary("Read every note, streamed")
                .WithDescription("Every note in id order, written to the response as it is read from the database: memory stays flat at any table size. Notes created or deleted during the export may or may not be in it. A failure midway aborts the connection (the transfer is seen to break, never a short array). At most a configured number of exports run at once: past it, 503 with `Retry-After`.")
                .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }
}
