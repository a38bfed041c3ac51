using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Runtime.CompilerServices;
using Notes.Infrastructure.Streaming;

namespace Notes.Features.Notes;

/// <summary>
/// GET /notes/all: every note (that matches the filters, in the order asked, id by default), streamed to the response
/// with flat memory whatever the size of the table. Notes are read in pages after a cursor, each on a pooled
/// connection held only while the page is read, so a slow or stuck reader never holds a database connection. How many
/// exports run at once, per client too, and how long one may go without progress is <see cref="JsonArrayResult{T}"/>'s.
/// </summary>
public static class StreamAllNotes
{
    public const int PageSize = 1000;

    public sealed record Query(bool? Completed = null, string? Q = null, string? Sort = null) : IRequest<IAsyncEnumerable<StoredNote>>;

    internal sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(query => query.Q).ValidSearch();
            RuleFor(query => query.Sort).ValidSortKey();
        }
    }

    internal sealed class Handler(IQuerySession session, NoteTable table) : IRequestHandler<Query, IAsyncEnumerable<StoredNote>>
    {
        public Task<IAsyncEnumerable<StoredNote>> Handle(Query query, CancellationToken cancellationToken) =>
            Task.FromResult(Read(query, cancellationToken));

        private async IAsyncEnumerable<StoredNote> Read(Query query, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            string? after = null;
            while (true)
            {
                var (page, next) = await ReadPageAsync(new NoteListing.Listing(query.Completed, query.Q, query.Sort, after), query.Sort, cancellationToken);
                foreach (var note in page)
                {
                    yield return note;
                }

                if (next is null)
                {
                    yield break;
                }

                after = next;
            }
        }

        /// <summary>One page, read whole so that its connection goes back to the pool before the page is written.</summary>
        private async Task<(List<StoredNote> Page, string? Next)> ReadPageAsync(NoteListing.Listing listing, string? sort, CancellationToken cancellationToken)
        {
            await using var command = listing.Page(table, skip: 0, take: PageSize, count: false);
            await using var reader = await session.ReadAsync(command, cancellationToken);
            var page = new List<StoredNote>(PageSize);
            string? next = null;
            while (await reader.ReadAsync(cancellationToken))
            {
                page.Add(StoredNote.Read(reader));
                if (page.Count == PageSize)
                {
                    next = NoteListing.CursorAfter(reader, sort);
                }
            }

            return (page, next);
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet("/notes/all", async Task<JsonArrayResult<StoredNote>> (
                    IMediator mediator,
                    CancellationToken cancellationToken,
                    [Description("Only notes that are (`true`) or are not (`false`) completed.")] bool? completed,
                    [Description("Full-text search, as for GET /notes.")][MaxLength(NoteListing.MaxSearchLength)] string? q,
                    [Description("The order, as for GET /notes (default `id`).")] string? sort) =>
                    new JsonArrayResult<StoredNote>(await mediator.Send(new Query(completed, q, sort), cancellationToken), note => note.Json))
                .Produces<Note[]>(StatusCodes.Status200OK, "application/json")
                .DisableRequestTimeout() // streams for as long as there are notes; JsonArrayResult limits the time without progress
                .WithName(nameof(StreamAllNotes))
                .WithSummary("Read every note, streamed")
                .WithDescription("Every note (that matches the filters, in the order asked; id order by default), written to the response as it is read from the database: memory stays flat at any table size. Notes created or deleted during the export may or may not be in it. An export runs for as long as it makes progress; one whose reader takes nothing for a configured time (20 s by default) is cut. A cut or a failure midway aborts the connection (the transfer is seen to break, never a short array). At most a configured number of exports run at once, and a share of them per client address: past either, 503 with `Retry-After`. HEAD answers the headers without reading any note.")
                .ProducesProblem(StatusCodes.Status400BadRequest)
                .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
                .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }
}
