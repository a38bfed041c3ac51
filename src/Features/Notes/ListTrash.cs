using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Notes.Infrastructure.OpenApi;

namespace Notes.Features.Notes;

/// <summary>
/// GET /notes/trash: one page of the notes in the trash, most recently deleted first, each with when it was deleted
/// (<c>deletedAt</c>); paged as GET /notes, from an offset (<c>skip</c>) or after a cursor (<c>after</c>, the
/// <c>Link</c> header's), an index range scan at any depth.
/// </summary>
public static class ListTrash
{
    public sealed record Query(int Skip = 0, int Take = ListNotes.DefaultTake, string? After = null) : IRequest<Page>;

    /// <summary>A page of the trash; <c>Next</c> continues after it.</summary>
    public sealed record Page(IReadOnlyList<TrashedNote> Notes, string? Next);

    /// <summary>A note in the trash, and when it went there.</summary>
    public sealed record TrashedNote(StoredNote Note, DateTime DeletedAt)
    {
        /// <summary>The note's stored JSON with <c>deletedAt</c> added, as the note's own times are written.</summary>
        public byte[] Json()
        {
            var deletedAt = JsonSerializer.SerializeToUtf8Bytes(DeletedAt);
            return [.. Note.Json.AsSpan(0, Note.Json.Length - 1), .. ",\"deletedAt\":"u8, .. deletedAt, (byte)'}'];
        }
    }

    /// <summary>What a note in the trash looks like on the wire (the schema of OpenAPI; the JSON is <see cref="TrashedNote.Json"/>).</summary>
    [OpenApiExample("""{"id":7,"text":"Buy milk","completed":false,"createdAt":"2026-11-24T19:00:00Z","updatedAt":"2026-11-24T19:00:00Z","deletedAt":"2026-12-01T08:30:00Z"}""")]
    public sealed record Trashed(long Id, string Text, bool Completed, DateTime CreatedAt, DateTime UpdatedAt, DateTime DeletedAt);

    internal sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(query => query.Skip).ValidSkip();
            RuleFor(query => query.Take).ValidTake();
            RuleFor(query => query.After)
                .Must(after => after is null || NoteListing.ReadCursor(after, NoteListing.TrashOrder) is not null)
                .WithMessage((_, after) => $"'after' must be the cursor a Link header of the trash gave, not '{after}'.");
        }
    }

    internal sealed class Handler(IQuerySession session, NoteTable table) : IRequestHandler<Query, Page>
    {
        public async Task<Page> Handle(Query query, CancellationToken cancellationToken)
        {
            var listing = new NoteListing.Listing(null, null, NoteListing.TrashOrder, query.After, Trash: true);
            await using var command = listing.Page(table, query.Skip, query.Take, count: false);
            await using var reader = await session.ReadAsync(command, cancellationToken);
            var notes = new List<TrashedNote>(query.Take);
            string? next = null;
            while (await reader.ReadAsync(cancellationToken))
            {
                notes.Add(new TrashedNote(StoredNote.Read(reader), reader.GetDateTime(5)));
                if (notes.Count == query.Take)
                {
                    next = NoteListing.CursorAfter(reader, NoteListing.TrashOrder);
                }
            }

            return new Page(notes, next);
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet("/notes/trash", async Task<Utf8ContentHttpResult> (
                    IMediator mediator,
                    HttpRequest request,
                    HttpResponse response,
                    CancellationToken cancellationToken,
                    [Description("How many notes to pass over; with `after`, counted after the cursor.")][Range(0, int.MaxValue)] int? skip,
                    [Description("How many notes to return, 1 to 1000 (default 20).")][Range(1, ListNotes.MaxTake)] int? take,
                    [Description("Continue after this cursor: the one in the `Link` header of the previous page.")] string? after) =>
                {
                    var query = new Query(skip ?? 0, take ?? ListNotes.DefaultTake, after);
                    var page = await mediator.Send(query, cancellationToken);
                    if (page.Next is { } next)
                    {
                        var parameters = new Dictionary<string, string?> { ["take"] = query.Take.ToString(CultureInfo.InvariantCulture), ["after"] = next };
                        response.Headers.Link = $"<{QueryHelpers.AddQueryString(request.PathBase + request.Path, parameters)}>; rel=\"next\"";
                    }

                    return TypedResults.Text(NoteHttp.JsonArray([.. page.Notes.Select(note => note.Json())]), NoteHttp.JsonContentType);
                })
                .Produces<Trashed[]>(StatusCodes.Status200OK, "application/json")
                .WithName(nameof(ListTrash))
                .WithSummary("Read a page of the trash")
                .WithDescription("The notes deleted and not yet purged, most recently deleted first, each with `deletedAt`. Notes stay in the trash for `Trash:RetentionDays` (30 by default), then are deleted for good. Follow the `Link: rel=\"next\"` header, sent while pages are full.")
                .WithResponseHeader(StatusCodes.Status200OK, "Link", "The next page, while this one is full: <...>; rel=\"next\".")
                .ProducesProblem(StatusCodes.Status400BadRequest)
                .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
    }
}
