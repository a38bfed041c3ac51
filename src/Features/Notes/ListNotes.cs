using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Carter;
using FluentValidation;
using Marten;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Notes.Infrastructure.OpenApi;

namespace Notes.Features.Notes;

/// <summary>
/// GET /notes: one page of notes, filtered (completed, full-text search), in an order (id by default), from an offset
/// (<c>skip</c>, the seed's paging) or after a cursor (<c>after</c>, as cheap at any depth), with the number of notes
/// that match and, when the page is full, the link to the next one.
/// </summary>
public static class ListNotes
{
    public const int MaxTake = 1000;
    public const int DefaultTake = 20;

    /// <summary>A page of notes; <c>Total</c> counts every note that matches the filters; <c>Next</c> continues after the page.</summary>
    public sealed record Page(IReadOnlyList<StoredNote> Notes, long Total, string? Next);

    public sealed record Query(
        int Skip = 0, int Take = DefaultTake, bool? Completed = null, string? Q = null, string? Sort = null, string? After = null) : IRequest<Page>;

    internal sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(query => query.Skip).GreaterThanOrEqualTo(0).WithMessage("'skip' must be 0 or more.");
            RuleFor(query => query.Take).InclusiveBetween(1, MaxTake).WithMessage($"'take' must be between 1 and {MaxTake}.");
            RuleFor(query => query.Q).ValidSearch();
            RuleFor(query => query.Sort).ValidSortKey();
            RuleFor(query => query.After)
                .Must((query, after) => after is null || NoteListing.ReadCursor(after, query.Sort) is not null)
                .When(query => query.Sort is null || NoteListing.SortKeys.Contains(query.Sort))
                .WithMessage((query, after) => $"'after' must be a cursor of this list (a note's id for sort=id or -id, else the cursor a Link header gave), not '{after}'.");
        }
    }

    internal sealed class Handler(IQuerySession session, NoteTable table) : IRequestHandler<Query, Page>
    {
        public async Task<Page> Handle(Query query, CancellationToken cancellationToken)
        {
            // the count and the page in one round trip
            var listing = new NoteListing.Listing(query.Completed, query.Q, query.Sort, query.After);
            await using var command = listing.Page(table, query.Skip, query.Take, count: true);
            await using var reader = await session.ExecuteReaderAsync(command, cancellationToken);
            await reader.ReadAsync(cancellationToken);
            var total = reader.GetInt64(0);
            await reader.NextResultAsync(cancellationToken);

            var notes = new List<StoredNote>(query.Take);
            string? next = null;
            while (await reader.ReadAsync(cancellationToken))
            {
                notes.Add(StoredNote.Read(reader));
                if (notes.Count == query.Take)
                {
                    next = NoteListing.CursorAfter(notes[^1].Id, reader.GetDateTime(3), reader.GetDateTime(4), query.Sort);
                }
            }

            return new Page(notes, total, next);
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet("/notes", async Task<Utf8ContentHttpResult> (
                    IMediator mediator,
                    HttpRequest request,
                    HttpResponse response,
                    CancellationToken cancellationToken,
                    [Description(SkipText)][Range(0, int.MaxValue)] int? skip,
                    [Description(TakeText)][Range(1, MaxTake)] int? take,
                    [Description(CompletedText)] bool? completed,
                    [Description(SearchText)][MaxLength(NoteListing.MaxSearchLength)] string? q,
                    [Description(SortText)] string? sort,
                    [Description(AfterText)] string? after) =>
                {
                    var query = new Query(skip ?? 0, take ?? DefaultTake, completed, q, sort, after);
                    var page = await mediator.Send(query, cancellationToken);
                    response.Headers[TotalCountHeader] = page.Total.ToString(CultureInfo.InvariantCulture);
                    if (page.Next is { } next)
                    {
                        response.Headers.Link = $"<{NextPage(request, query, next)}>; rel=\"next\"";
                    }

                    return TypedResults.Text(JsonArray(page.Notes), NoteResults.JsonContentType);
                })
                .Produces<Note[]>(StatusCodes.Status200OK, "application/json")
                .WithTags("Notes")
                .WithName(nameof(ListNotes))
                .WithSummary("Read a page of notes")
                .WithDescription("Filters combine with each other and with paging. `skip` pages as the seed did (the deeper, the slower); `after` continues after a note and costs the same at any depth: follow the `Link: rel=\"next\"` header, sent while pages are full. `X-Total-Count` counts every note that matches the filters.")
                .WithResponseHeader(StatusCodes.Status200OK, TotalCountHeader, "How many notes match the filters, on all pages.")
                .WithResponseHeader(StatusCodes.Status200OK, "Link", "The next page, while this one is full: <...>; rel=\"next\".")
                .ProducesProblem(StatusCodes.Status400BadRequest)
                .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        /// <summary>The notes' stored JSON, as one array.</summary>
        private static byte[] JsonArray(IReadOnlyList<StoredNote> notes)
        {
            var buffer = new byte[2 + notes.Sum(note => note.Json.Length + 1)];
            var at = 0;
            buffer[at++] = (byte)'[';
            for (var i = 0; i < notes.Count; i++)
            {
                if (i > 0)
                {
                    buffer[at++] = (byte)',';
                }

                notes[i].Json.CopyTo(buffer, at);
                at += notes[i].Json.Length;
            }

            buffer[at++] = (byte)']';
            return buffer.AsSpan(0, at).ToArray();
        }

        /// <summary>The URL of the page after this one: the same filters, order and size, after its last note.</summary>
        private static string NextPage(HttpRequest request, Query query, string next)
        {
            var parameters = new Dictionary<string, string?> { ["take"] = query.Take.ToString(CultureInfo.InvariantCulture) };
            if (query.Completed is { } completed)
            {
                parameters["completed"] = completed ? "true" : "false";
            }

            parameters["q"] = query.Q;
            parameters["sort"] = query.Sort;
            parameters["after"] = next;
            return QueryHelpers.AddQueryString(request.PathBase + request.Path, parameters.Where(parameter => parameter.Value is not null));
        }
    }

    public const string TotalCountHeader = "X-Total-Count";

    private const string SkipText = "How many notes to pass over (the seed's paging); with `after`, counted after the cursor.";
    private const string TakeText = "How many notes to return, 1 to 1000 (default 20).";
    private const string CompletedText = "Only notes that are (`true`) or are not (`false`) completed.";
    private const string SearchText = "Full-text search, at most 100 characters: every word must be in the text (in any case), the last one as a prefix: `mil` finds \"Buy milk\".";
    private const string SortText = "The order: `id` (default), `-id`, `createdAt`, `-createdAt`, `updatedAt` or `-updatedAt` (`-` for descending).";
    private const string AfterText = "Continue after this cursor: a note's id with sort=id or -id, else the cursor in the `Link` header of the previous page.";
}
