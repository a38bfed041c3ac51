using System.Buffers;
using System.Buffers.Text;
using System.Data.Common;
using System.Globalization;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Notes.Features.Notes;

/// <summary>
/// What lists and exports of notes share (GET /notes and GET /notes/all): the filters, the orders, and the cursors
/// that continue an order after a given note, as SQL over the notes' indexed columns. Each order ends with the id, so
/// every note has one place in it, and a cursor is the position of a note: the next page starts from an index range
/// scan, as cheap at any depth.
/// </summary>
internal static class NoteListing
{
    public const int MaxSearchLength = 100;

    public static readonly string[] SortKeys = ["id", "-id", "createdAt", "-createdAt", "updatedAt", "-updatedAt"];

    /// <summary>The trash's order, most recently deleted first (not one of the <see cref="SortKeys"/> of GET /notes).</summary>
    public const string TrashOrder = "-deletedAt";

    /// <summary>The notes a list shows: filters, an order and where in it to start; the notes in the trash when <paramref name="Trash"/>, else the others.</summary>
    public sealed record Listing(bool? Completed, string? Search, string? Sort, string? After, bool Trash = false)
    {
        /// <summary>One page (<see cref="NoteTable.Selected"/>, then the columns of the cursor), after the exact count when <paramref name="count"/>.</summary>
        public NpgsqlCommand Page(NoteTable table, int skip, int take, bool count) => Page(table, skip, take, count ? ListNotes.Counting.Exact : ListNotes.Counting.None, exactUpTo: 0);

        /// <summary>
        /// One page (<see cref="NoteTable.Selected"/>, then created_at, updated_at and, in the trash, when it went there, which <see cref="CursorAfter(DbDataReader, string?)"/> reads), after what
        /// <paramref name="counting"/> asks for, in one command, one round trip: <see cref="ListNotes.Counting.Exact"/>, the
        /// number of notes that match the filters on every page; <see cref="ListNotes.Counting.Estimated"/>, the planner's
        /// estimate of it (EXPLAIN as JSON), then the notes that match counted up to <paramref name="exactUpTo"/> + 1,
        /// no further: past the limit the cost stays that of the limit.
        /// </summary>
        public NpgsqlCommand Page(NoteTable table, int skip, int take, ListNotes.Counting counting, int exactUpTo)
        {
            var command = new NpgsqlCommand();
            var sql = new StringBuilder();
            if (counting == ListNotes.Counting.Exact)
            {
                sql.Append("select count(*) from ").Append(table.Name).Append(Where(table, command.Parameters, withCursor: false)).Append(';');
            }
            else if (counting == ListNotes.Counting.Estimated)
            {
                sql.Append("explain (format json) select 1 from ").Append(table.Name).Append(Where(table, command.Parameters, withCursor: false)).Append(';')
                    .Append("select count(*) from (select 1 from ").Append(table.Name).Append(Where(table, command.Parameters, withCursor: false))
                    .Append(" limit ").Append(Add(command.Parameters, exactUpTo + 1, NpgsqlDbType.Integer)).Append(") counted;");
            }

            sql.Append("select ").Append(table.Selected).Append(", ").Append(table.Column(note => note.CreatedAt)).Append(", ")
                .Append(table.Column(note => note.UpdatedAt)).Append(Trash ? ", " + table.TrashedAt : "").Append(" from ").Append(table.Name)
                .Append(Where(table, command.Parameters, withCursor: true))
                .Append(" order by ").Append(OrderBy(table))
                .Append(" limit ").Append(Add(command.Parameters, take, NpgsqlDbType.Integer))
                .Append(" offset ").Append(Add(command.Parameters, skip, NpgsqlDbType.Integer));
            command.CommandText = sql.ToString();
            return command;
        }

        private string Where(NoteTable table, NpgsqlParameterCollection parameters, bool withCursor)
        {
            var conditions = new List<string> { Trash ? table.Trashed : table.NotTrashed };
            if (Completed is { } completed)
            {
                conditions.Add($"{table.Column(note => note.Completed)} = {Add(parameters, completed, NpgsqlDbType.Boolean)}");
            }

            if (!string.IsNullOrEmpty(Search))
            {
                // the very expression of the full-text index, so that the index serves it
                conditions.Add($"to_tsvector('{NoteRegistry.TextSearchConfig}'::regconfig, {table.Data} ->> 'text') @@ {TsQuery(parameters, Search)}");
            }

            if (withCursor && After is not null)
            {
                var cursor = ReadCursor(After, Sort) ?? throw new InvalidOperationException($"'{After}' is not a cursor of sort '{Sort}'.");
                var (column, descending) = Key(table, Sort);
                var comparison = descending ? "<" : ">";
                var id = Add(parameters, cursor.Id, NpgsqlDbType.Bigint);
                if (column == table.Id)
                {
                    conditions.Add($"{column} {comparison} {id}");
                }
                else
                {
                    // a row value: the index on (column, id) starts its range scan right after the cursor, however
                    // many notes share its timestamp
                    conditions.Add($"({column}, {table.Id}) {comparison} ({Add(parameters, cursor.At, NpgsqlDbType.TimestampTz)}, {id})");
                }
            }

            return " where " + string.Join(" and ", conditions);
        }

        private string OrderBy(NoteTable table)
        {
            var (column, descending) = Key(table, Sort);
            var direction = descending ? " desc" : "";
            return column == table.Id ? column + direction : $"{column}{direction}, {table.Id}{direction}";
        }
    }

    /// <summary>A parameter, named: a command of several statements cannot take positional ones.</summary>
    private static string Add(NpgsqlParameterCollection parameters, object value, NpgsqlDbType type)
    {
        var name = "p" + parameters.Count.ToString(CultureInfo.InvariantCulture);
        parameters.Add(new NpgsqlParameter(name, type) { Value = value });
        return "@" + name;
    }

    /// <summary>
    /// The full-text query of a search, made in SQL by PostgreSQL's own parser with the index's configuration, so
    /// that what the index holds as one word (a host, an e-mail, a path, a version, a decimal) the search reads as
    /// one word too. The words before the last space must all be in the note. What follows it is still being typed:
    /// any of its suffixes that begins at a word boundary may be the start of one of the note's words, the words
    /// before that suffix whole: "ann@exa" finds "ann@example.com", "2026-1" finds "2026-12-02", "exam" finds
    /// "example.com". A search without a word makes a null query, which matches no note. The query is one scalar
    /// expression of stable functions (no subquery), so the planner computes it to estimate how many notes match.
    /// </summary>
    private static string TsQuery(NpgsqlParameterCollection parameters, string search)
    {
        var trimmed = search.Trim();
        var lastSpace = trimmed.AsSpan().LastIndexOfAny(Spaces);
        var tail = trimmed[(lastSpace + 1)..];
        var typed = TypedWordStarts(tail)
            .Select(start => (Before: tail[..start], Suffix: TrimEndToLetterOrDigit(tail[start..])))
            .Where(alternative => alternative.Suffix.Length > 0)
            .Select(alternative => $"concat_ws(' & ', nullif({Lexemes(Add(parameters, alternative.Before, NpgsqlDbType.Text))}, ''), "
                + $"{Quoted($"lower({Add(parameters, alternative.Suffix, NpgsqlDbType.Text)})")} || ':*')")
            .ToList();
        var head = Lexemes(Add(parameters, trimmed[..(lastSpace + 1)], NpgsqlDbType.Text));
        return typed.Count == 0
            ? $"nullif({head}, '')::tsquery"
            : $"nullif(concat_ws(' & ', nullif({head}, ''), '(' || concat_ws(' | ', {string.Join(", ", typed)}) || ')'), '')::tsquery";
    }

    /// <summary>Where, in a word being typed, the start of one of the note's words may be: its start, and each boundary between letters or digits and the rest.</summary>
    private static IEnumerable<int> TypedWordStarts(string tail)
    {
        var at = 0;
        bool? before = null;
        foreach (var rune in tail.EnumerateRunes())
        {
            var letterOrDigit = Rune.IsLetterOrDigit(rune);
            if (before != letterOrDigit)
            {
                yield return at;
            }

            before = letterOrDigit;
            at += rune.Utf16SequenceLength;
        }
    }

    /// <summary>A word being typed without what ends it that is not a letter or a digit ("milk," is the start of "milk").</summary>
    private static string TrimEndToLetterOrDigit(string text)
    {
        var end = text.Length;
        while (end > 0 && Rune.DecodeLastFromUtf16(text.AsSpan(0, end), out var rune, out var length) == OperationStatus.Done && !Rune.IsLetterOrDigit(rune))
        {
            end -= length;
        }

        return text[..end];
    }

    /// <summary>
    /// The lexemes of a text as the index holds them, as tsquery terms joined by &amp; ('' for none): tsvector's text
    /// form quotes each lexeme as tsquery's input does, and no lexeme holds a space.
    /// </summary>
    private static string Lexemes(string text) =>
        $"replace(strip(to_tsvector('{NoteRegistry.TextSearchConfig}'::regconfig, {text}))::text, ''' ''', ''' & ''')";

    /// <summary>A text as one quoted lexeme of tsquery's input syntax, taken as it is (backslashes and quotes escaped).</summary>
    private static string Quoted(string text) => $@"'''' || replace(replace({text}, '\', '\\'), '''', '''''') || ''''";

    private static readonly SearchValues<char> Spaces = SearchValues.Create(
        " \t\n\v\f\r\u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000");

    /// <summary>The cursor that continues <paramref name="sort"/> after the note of the reader's current row (a row of <see cref="Listing.Page(NoteTable, int, int, bool)"/>).</summary>
    public static string CursorAfter(DbDataReader reader, string? sort) => Key(sort).Column switch
    {
        "id" => CursorAfter(reader.GetInt64(0), default, sort),
        "created_at" => CursorAfter(reader.GetInt64(0), reader.GetDateTime(3), sort),
        "updated_at" => CursorAfter(reader.GetInt64(0), reader.GetDateTime(4), sort),
        _ => CursorAfter(reader.GetInt64(0), reader.GetDateTime(5), sort),
    };

    /// <summary>
    /// The cursor that continues <paramref name="sort"/> after a note: its id for the id orders, an opaque string for
    /// the others (the note's timestamp <paramref name="at"/> in that order, as its column holds it, and its id).
    /// </summary>
    public static string CursorAfter(long id, DateTime at, string? sort) => Key(sort).Column switch
    {
        "id" => id.ToString(CultureInfo.InvariantCulture),
        var column => Base64Url.EncodeToString(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{column}:{at.Ticks}:{id}"))),
    };

    /// <summary>Reads a cursor of <paramref name="sort"/>; null when it is not one (another order's, or garbage).</summary>
    public static Cursor? ReadCursor(string after, string? sort)
    {
        var column = Key(sort).Column;
        if (column == "id")
        {
            return long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? new Cursor(default, id) : null;
        }

        Span<byte> bytes = stackalloc byte[64];
        if (after.Length > 80 || !Base64Url.IsValid(after) || Base64Url.DecodeFromChars(after, bytes, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            return null;
        }

        var parts = Encoding.ASCII.GetString(bytes[..written]).Split(':');
        return parts.Length == 3 && parts[0] == column
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks <= DateTime.MaxValue.Ticks
            && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var noteId)
            ? new Cursor(new DateTime(ticks, DateTimeKind.Utc), noteId)
            : null;
    }

    public static IRuleBuilderOptions<T, int> ValidSkip<T>(this IRuleBuilder<T, int> rule) =>
        rule.GreaterThanOrEqualTo(0).WithMessage("'skip' must be 0 or more.");

    public static IRuleBuilderOptions<T, int> ValidTake<T>(this IRuleBuilder<T, int> rule) =>
        rule.InclusiveBetween(1, ListNotes.MaxTake).WithMessage($"'take' must be between 1 and {ListNotes.MaxTake}.");

    public static IRuleBuilderOptions<T, string?> ValidSortKey<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(sort => sort is null || SortKeys.Contains(sort, StringComparer.Ordinal))
            .WithMessage((_, sort) => $"'sort' must be one of {string.Join(", ", SortKeys)}, not '{sort}'.");

    public static IRuleBuilderOptions<T, string?> ValidSearch<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(search => search is null || NoteTextRules.Characters(search) <= MaxSearchLength)
            .WithMessage((_, search) => $"'q' must be at most {MaxSearchLength} characters (it was {NoteTextRules.Characters(search!)}).");

    /// <summary>The column of <paramref name="table"/> a sort key orders by, and which way.</summary>
    private static (string Column, bool Descending) Key(NoteTable table, string? sort)
    {
        var (key, descending) = Key(sort);
        return (key switch
        {
            "created_at" => table.Column(note => note.CreatedAt),
            "updated_at" => table.Column(note => note.UpdatedAt),
            "deleted_at" => table.TrashedAt,
            _ => table.Id,
        }, descending);
    }

    /// <summary>A sort key's name in its cursors, and which way.</summary>
    private static (string Column, bool Descending) Key(string? sort) => sort switch
    {
        null or "id" => ("id", false),
        "-id" => ("id", true),
        "createdAt" => ("created_at", false),
        "-createdAt" => ("created_at", true),
        "updatedAt" => ("updated_at", false),
        "-updatedAt" => ("updated_at", true),
        TrashOrder => ("deleted_at", true),
        _ => throw new ArgumentException($"'{sort}' is not a sort key.", nameof(sort)),
    };

    public sealed record Cursor(DateTime At, long Id);
}
