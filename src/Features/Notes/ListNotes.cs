using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Notes.Infrastructure.OpenApi;

namespace Notes.Features.Notes;

/// <summary>
/// GET /notes: one page of notes, filtered (completed, full-text search), in an order (id by default), from an offset
/// (<c>skip</c>, the seed's paging) or after a cursor (<c>after</c>, as cheap at any depth), with, when the page is
/// full, the link to the next one, and the number of notes that match when the client asks for it
/// (<c>Prefer: count=exact</c> or <c>count=estimated</c>): counting costs as much as the notes that match, so a page
/// alone costs the same at any table size.
/// </summary>
public static class ListNotes
{
    public const int MaxTake = 1000;
    public const int DefaultTake = 20;

    /// <summary>Up to this many matching notes, <c>count=estimated</c> counts them exactly (<c>Lists:ExactCountLimit</c>).</summary>
    public const int DefaultExactCountLimit = 10_000;

    /// <summary>Whether a list counts the notes that match: not at all, exactly, or exactly up to a limit and by the planner's estimate past it.</summary>
    public enum Counting
    {
        None,
        Exact,
        Estimated,
    }

    /// <summary>How many notes match the filters on every page: counted (<c>Exact</c>) or the planner's estimate.</summary>
    public sealed record Total(long Notes, bool Exact);

    /// <summary>A page of notes; <c>Total</c> when the query asked for a count; <c>Next</c> continues after the page.</summary>
    public sealed record Page(IReadOnlyList<StoredNote> Notes, Total? Total, string? Next);

    public sealed record Query(
        int Skip = 0,
        int Take = DefaultTake,
        bool? Completed = null,
        string? Q = null,
        string? Sort = null,
        string? After = null,
        Counting Count = Counting.None) : IRequest<Page>;

    internal sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(query => query.Skip).ValidSkip();
            RuleFor(query => query.Take).ValidTake();
            RuleFor(query => query.Q).ValidSearch();
            RuleFor(query => query.Sort).ValidSortKey();
            RuleFor(query => query.After)
                .Must((query, after) => after is null || NoteListing.ReadCursor(after, query.Sort) is not null)
                .When(query => query.Sort is null || NoteListing.SortKeys.Contains(query.Sort))
                .WithMessage((query, after) => $"'after' must be a cursor of this list (a note's id for sort=id or -id, else the cursor a Link header gave), not '{after}'.");
        }
    }

    internal sealed class Handler(IQuerySession session, NoteTable table, IConfiguration configuration) : IRequestHandler<Query, Page>
    {
        public async Task<Page> Handle(Query query, CancellationToken cancellationToken)
        {
            // the count (when asked for) and the page in one round trip
            // read from the configuration only for the estimated count, the one that uses it: not on every page
            var exactUpTo = query.Count == Counting.Estimated ? Math.Max(0, configuration.GetValue("Lists:ExactCountLimit", DefaultExactCountLimit)) : 0;
            var listing = new NoteListing.Listing(query.Completed, query.Q, query.Sort, query.After);
            await using var command = listing.Page(table, query.Skip, query.Take, query.Count, exactUpTo);
            await using var reader = await session.ReadAsync(command, cancellationToken);
            Total? total = null;
            if (query.Count == Counting.Exact)
            {
                await reader.ReadAsync(cancellationToken);
                total = new Total(reader.GetInt64(0), Exact: true);
                await reader.NextResultAsync(cancellationToken);
            }
            else if (query.Count == Counting.Estimated)
            {
                await reader.ReadAsync(cancellationToken);
                var estimate = PlannedRows(reader.GetString(0));
                await reader.NextResultAsync(cancellationToken);
                await reader.ReadAsync(cancellationToken);
                var counted = reader.GetInt64(0);
                total = counted <= exactUpTo ? new Total(counted, Exact: true) : new Total(Math.Max(estimate, counted), Exact: false);
                await reader.NextResultAsync(cancellationToken);
            }

            var notes = new List<StoredNote>(query.Take);
            string? next = null;
            while (await reader.ReadAsync(cancellationToken))
            {
                notes.Add(StoredNote.Read(reader));
                if (notes.Count == query.Take)
                {
                    next = NoteListing.CursorAfter(reader, query.Sort);
                }
            }

            return new Page(notes, total, next);
        }

        /// <summary>The rows the planner expects, from EXPLAIN (FORMAT JSON).</summary>
        private static long PlannedRows(string plan)
        {
            using var json = JsonDocument.Parse(plan);
            return (long)json.RootElement[0].GetProperty("Plan").GetProperty("Plan Rows").GetDouble();
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
                    var query = new Query(skip ?? 0, take ?? DefaultTake, completed, q, sort, after, CountPreference.Read(request.Headers));
                    var page = await mediator.Send(query, cancellationToken);
                    response.Headers.Append(HeaderNames.Vary, CountPreference.Header);
                    if (page.Total is { } total)
                    {
                        response.Headers[TotalCountHeader] = total.Notes.ToString(CultureInfo.InvariantCulture);
                        response.Headers[CountPreference.AppliedHeader] = total.Exact ? "count=exact" : "count=estimated";
                    }

                    if (page.Next is { } next)
                    {
                        response.Headers.Link = $"<{NextPage(request, query, next)}>; rel=\"next\"";
                    }

                    return TypedResults.Text(NoteHttp.JsonArray([.. page.Notes.Select(note => note.Json)]), NoteHttp.JsonContentType);
                })
                .Produces<Note[]>(StatusCodes.Status200OK, "application/json")
                .WithName(nameof(ListNotes))
                .WithSummary("Read a page of notes")
                .WithDescription("Filters combine with each other and with paging. `skip` pages as the seed did (the deeper, the slower); `after` continues after a note and costs the same at any depth: follow the `Link: rel=\"next\"` header, sent while pages are full. Notes are counted only when asked, as counting costs as much as the notes that match: `Prefer: count=exact` counts them all; `Prefer: count=estimated` counts them up to 10,000 and past that gives PostgreSQL's planner estimate. The count is in `X-Total-Count`, and `Preference-Applied` says which it is: `count=exact` or `count=estimated`.")
                .WithResponseHeader(StatusCodes.Status200OK, TotalCountHeader, "With `Prefer: count=exact` or `count=estimated` only: how many notes match the filters, on all pages (exact or estimated, as `Preference-Applied` says).")
                .WithResponseHeader(StatusCodes.Status200OK, CountPreference.AppliedHeader, "With a count only: `count=exact` when `X-Total-Count` is the exact number, `count=estimated` when it is the planner's estimate.")
                .WithResponseHeader(StatusCodes.Status200OK, "Link", "The next page, while this one is full: <...>; rel=\"next\".")
                .ProducesProblem(StatusCodes.Status400BadRequest)
                .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

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
    private const string SearchText = "Full-text search, at most 100 characters: every word must be in the text (in any case), the last one as a prefix: `mil` finds \"Buy milk\". Words are read as PostgreSQL reads the text, so any text copied out of a note finds it (`ann@example.com`, `/usr/local/bin`, `v1.2.3`), and so does its start (`ann@exa`). A search without a word finds no note.";
    private const string SortText = "The order: `id` (default), `-id`, `createdAt`, `-createdAt`, `updatedAt` or `-updatedAt` (`-` for descending).";
    private const string AfterText = "Continue after this cursor: a note's id with sort=id or -id, else the cursor in the `Link` header of the previous page.";
}
