using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using FluentValidation;
using Npgsql;
using NpgsqlTypes;
using Notes.Infrastructure.Database;

namespace Notes.Features.Notes;

/// <summary>
/// What lists and exports of notes share (GET /notes and GET /notes/all): the filters, the orders, and the cursors
/// that continue an order after a given note, as SQL over the notes' indexed columns. Each order ends with the id, so
/// every note has one place in it, and a cursor is the position of a note: the next page starts from an index range
/// scan, as cheap at any depth.
/// </summary>
internal static partial class NoteListing
{
    public const int MaxSearchLength = 100;

    public static readonly string[] SortKeys = ["id", "-id", "createdAt", "-createdAt", "updatedAt", "-updatedAt"];

    /// <summary>The notes a list shows: filters, an order and where in it to start.</summary>
    public sealed record Listing(bool? Completed, string? Search, string? Sort, string? After)
    {
        /// <summary>
        /// One page (<see cref="NoteTable.Selected"/>, then created_at and updated_at for the cursor), after the number
        /// of notes that match the filters on every page when <paramref name="count"/>: one command, one round trip.
        /// </summary>
        public NpgsqlCommand Page(NoteTable table, int skip, int take, bool count)
        {
            var command = new NpgsqlCommand();
            var sql = new StringBuilder();
            if (count)
            {
                sql.Append("select count(*) from ").Append(table.Name).Append(Where(table, command.Parameters, withCursor: false)).Append(';');
            }

            sql.Append("select ").Append(table.Selected).Append(", ").Append(table.Column(note => note.CreatedAt)).Append(", ")
                .Append(table.Column(note => note.UpdatedAt)).Append(" from ").Append(table.Name)
                .Append(Where(table, command.Parameters, withCursor: true))
                .Append(" order by ").Append(OrderBy(table))
                .Append(" limit ").Append(Add(command.Parameters, take, NpgsqlDbType.Integer))
                .Append(" offset ").Append(Add(command.Parameters, skip, NpgsqlDbType.Integer));
            command.CommandText = sql.ToString();
            return command;
        }

        private string Where(NoteTable table, NpgsqlParameterCollection parameters, bool withCursor)
        {
            var conditions = new List<string>();
            if (Completed is { } completed)
            {
                conditions.Add($"{table.Column(note => note.Completed)} = {Add(parameters, completed, NpgsqlDbType.Boolean)}");
            }

            if (ToTsQuery(Search) is { } query)
            {
                // the very expression of the full-text index, so that the index serves it
                conditions.Add($"to_tsvector('{MartenSetup.TextSearchConfig}'::regconfig, {table.Data} ->> 'text') @@ to_tsquery('{MartenSetup.TextSearchConfig}'::regconfig, {Add(parameters, query, NpgsqlDbType.Text)})");
            }

            if (withCursor && After is not null)
            {
                var cursor = ReadCursor(After, Sort) ?? throw new InvalidOperationException($"'{After}' is not a cursor of sort '{Sort}'.");
                var (column, descending) = Key(table, Sort);
                var comparison = descending ? "<" : ">";
                var id = Add(parameters, cursor.Id, NpgsqlDbType.Integer);
                if (column == table.Id)
                {
                    conditions.Add($"{column} {comparison} {id}");
                }
                else
                {
                    // the first condition alone is what an index range scan starts from; the second breaks the tie
                    var at = Add(parameters, cursor.At, NpgsqlDbType.TimestampTz);
                    conditions.Add($"{column} {comparison}= {at} and ({column} {comparison} {at} or {table.Id} {comparison} {id})");
                }
            }

            return conditions.Count == 0 ? "" : " where " + string.Join(" and ", conditions);
        }

        private string OrderBy(NoteTable table)
        {
            var (column, descending) = Key(table, Sort);
            var direction = descending ? " desc" : "";
            return column == table.Id ? column + direction : $"{column}{direction}, {table.Id}{direction}";
        }

        /// <summary>A parameter, named: a command of two statements cannot take positional ones.</summary>
        private static string Add(NpgsqlParameterCollection parameters, object value, NpgsqlDbType type)
        {
            var name = "p" + parameters.Count.ToString(CultureInfo.InvariantCulture);
            parameters.Add(new NpgsqlParameter(name, type) { Value = value });
            return "@" + name;
        }
    }

    /// <summary>
    /// The cursor that continues <paramref name="sort"/> after a note: its id for the id orders, an opaque string for
    /// the others (the note's timestamp in that order, as its column holds it, and its id).
    /// </summary>
    public static string CursorAfter(int id, DateTime createdAt, DateTime updatedAt, string? sort) => Key(sort).Column switch
    {
        "id" => id.ToString(CultureInfo.InvariantCulture),
        var column => Base64Url.EncodeToString(Encoding.ASCII.GetBytes(string.Create(
            CultureInfo.InvariantCulture, $"{column}:{(column == "created_at" ? createdAt : updatedAt).Ticks}:{id}"))),
    };

    /// <summary>Reads a cursor of <paramref name="sort"/>; null when it is not one (another order's, or garbage).</summary>
    public static Cursor? ReadCursor(string after, string? sort)
    {
        var column = Key(sort).Column;
        if (column == "id")
        {
            return int.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? new Cursor(default, id) : null;
        }

        Span<byte> bytes = stackalloc byte[64];
        if (after.Length > 80 || !Base64Url.IsValid(after) || Base64Url.DecodeFromChars(after, bytes, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            return null;
        }

        var parts = Encoding.ASCII.GetString(bytes[..written]).Split(':');
        return parts.Length == 3 && parts[0] == column
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks <= DateTime.MaxValue.Ticks
            && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var noteId)
            ? new Cursor(new DateTime(ticks, DateTimeKind.Utc), noteId)
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

    /// <summary>The column of <paramref name="table"/> a sort key orders by, and which way.</summary>
    private static (string Column, bool Descending) Key(NoteTable table, string? sort)
    {
        var (key, descending) = Key(sort);
        return (key switch
        {
            "created_at" => table.Column(note => note.CreatedAt),
            "updated_at" => table.Column(note => note.UpdatedAt),
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
        _ => throw new ArgumentException($"'{sort}' is not a sort key.", nameof(sort)),
    };

    /// <summary>A word is a run of letters, digits and marks in any script; anything else separates words.</summary>
    [GeneratedRegex(@"[\p{L}\p{N}\p{M}]+")]
    private static partial Regex Word();

    public sealed record Cursor(DateTime At, int Id);
}
