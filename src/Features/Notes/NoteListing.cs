using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using FluentValidation;
using Marten;
using Notes.Infrastructure.Database;

namespace Notes.Features.Notes;

/// <summary>
/// What lists and exports of notes share (GET /notes and GET /notes/all): the filters, the orders, and the cursors
/// that continue an order after a given note. Each order ends with the id, so every note has one place in it, and a
/// cursor is the position of a note: the next page is read with an index range scan, as cheap at any depth.
/// </summary>
internal static partial class NoteListing
{
    public const int MaxSearchLength = 100;

    public static readonly string[] SortKeys = ["id", "-id", "createdAt", "-createdAt", "updatedAt", "-updatedAt"];

    /// <summary>Notes that are (not) completed, and whose text holds every word of <paramref name="search"/>.</summary>
    public static IQueryable<Note> Filtered(this IQueryable<Note> notes, bool? completed, string? search)
    {
        if (completed is { } done)
        {
            notes = notes.Where(note => note.Completed == done);
        }

        if (ToTsQuery(search) is { } query)
        {
            notes = notes.Where(note => note.Search(query, MartenSetup.TextSearchConfig));
        }

        return notes;
    }

    /// <summary>The notes in the order <paramref name="sort"/> names (id when null), after the note <paramref name="after"/> points at.</summary>
    public static IQueryable<Note> Ordered(this IQueryable<Note> notes, string? sort, string? after)
    {
        var order = sort ?? "id";
        var cursor = after is null ? null : ReadCursor(after, order) ?? throw new ArgumentException($"'{after}' is not a cursor of sort '{order}'.", nameof(after));
        var id = cursor?.Id ?? 0;
        var at = cursor?.At ?? default;
        return order switch
        {
            "id" => (cursor is null ? notes : notes.Where(note => note.Id > id)).OrderBy(note => note.Id),
            "-id" => (cursor is null ? notes : notes.Where(note => note.Id < id)).OrderByDescending(note => note.Id),
            // the first condition alone is what an index range scan can start from; the second breaks the tie
            "createdAt" => (cursor is null ? notes : notes.Where(note => note.CreatedAt >= at && (note.CreatedAt > at || note.Id > id)))
                .OrderBy(note => note.CreatedAt).ThenBy(note => note.Id),
            "-createdAt" => (cursor is null ? notes : notes.Where(note => note.CreatedAt <= at && (note.CreatedAt < at || note.Id < id)))
                .OrderByDescending(note => note.CreatedAt).ThenByDescending(note => note.Id),
            "updatedAt" => (cursor is null ? notes : notes.Where(note => note.UpdatedAt >= at && (note.UpdatedAt > at || note.Id > id)))
                .OrderBy(note => note.UpdatedAt).ThenBy(note => note.Id),
            "-updatedAt" => (cursor is null ? notes : notes.Where(note => note.UpdatedAt <= at && (note.UpdatedAt < at || note.Id < id)))
                .OrderByDescending(note => note.UpdatedAt).ThenByDescending(note => note.Id),
            _ => throw new ArgumentException($"'{sort}' is not a sort key.", nameof(sort)),
        };
    }

    /// <summary>
    /// The cursor that continues <paramref name="sort"/> after <paramref name="note"/>: its id for the id orders, an
    /// opaque string for the others (the note's timestamp and id).
    /// </summary>
    public static string CursorAfter(Note note, string? sort) => (sort ?? "id").TrimStart('-') switch
    {
        "id" => note.Id.ToString(CultureInfo.InvariantCulture),
        var key => Base64Url.EncodeToString(Encoding.ASCII.GetBytes(string.Create(
            CultureInfo.InvariantCulture, $"{key}:{Microseconds(key == "createdAt" ? note.CreatedAt : note.UpdatedAt)}:{note.Id}"))),
    };

    /// <summary>Reads a cursor of <paramref name="sort"/>; null when it is not one (another order's, or garbage).</summary>
    public static Cursor? ReadCursor(string after, string? sort)
    {
        var key = (sort ?? "id").TrimStart('-');
        if (key == "id")
        {
            return int.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? new Cursor(default, id) : null;
        }

        Span<byte> bytes = stackalloc byte[64];
        if (after.Length > 80 || !Base64Url.IsValid(after) || Base64Url.DecodeFromChars(after, bytes, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            return null;
        }

        var parts = Encoding.ASCII.GetString(bytes[..written]).Split(':');
        return parts.Length == 3 && parts[0] == key
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var microseconds)
            && microseconds <= DateTime.MaxValue.Ticks / TimeSpan.TicksPerMicrosecond
            && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var noteId)
            ? new Cursor(new DateTime(microseconds * TimeSpan.TicksPerMicrosecond, DateTimeKind.Utc), noteId)
            : null;
    }

    /// <summary>
    /// A full-text query for PostgreSQL: every word of the search must match (case-insensitively, the text search
    /// configuration lowercases), and the last one as a prefix; null when the search holds no word.
    /// </summary>
    public static string? ToTsQuery(string? search)
    {
        var words = search is null ? [] : Word().Matches(search).Select(word => word.Value).ToArray();
        return words.Length == 0
            ? null
            : string.Join(" & ", words.Select((word, i) => i == words.Length - 1 ? $"'{word}':*" : $"'{word}'"));
    }

    public static IRuleBuilderOptions<T, string?> ValidSortKey<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(sort => sort is null || SortKeys.Contains(sort, StringComparer.Ordinal))
            .WithMessage((_, sort) => $"'sort' must be one of {string.Join(", ", SortKeys)}, not '{sort}'.");

    public static IRuleBuilderOptions<T, string?> ValidSearch<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(search => search is null || NoteTextRules.Characters(search) <= MaxSearchLength)
            .WithMessage((_, search) => $"'q' must be at most {MaxSearchLength} characters (it was {NoteTextRules.Characters(search!)}).");

    /// <summary>
    /// PostgreSQL keeps timestamps to the microsecond and rounds the rest when it reads one from text (as notes made
    /// before the columns existed were): round the same way, so the cursor names the very value in the column.
    /// </summary>
    private static long Microseconds(DateTime at) =>
        (long)Math.Round(at.Ticks / (decimal)TimeSpan.TicksPerMicrosecond, MidpointRounding.ToEven);

    /// <summary>A word is a run of letters, digits and marks in any script; anything else separates words.</summary>
    [GeneratedRegex(@"[\p{L}\p{N}\p{M}]+")]
    private static partial Regex Word();

    public sealed record Cursor(DateTime At, int Id);
}
