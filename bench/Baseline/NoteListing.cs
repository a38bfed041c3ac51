using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Notes.Baseline;

/// <summary>
/// The SQL of lists and exports for each combination of filters, order and cursor, written once at start-up, and the
/// API's cursors and full-text queries. Each order ends with the id; a cursor is the position of a note in it (its id
/// for the id orders, else "key:microseconds:id" in base64url), read with an index range scan.
/// </summary>
internal static partial class NoteListing
{
    public const int MaxTake = 1000;
    public const int DefaultTake = 20;
    public const int MaxSearchLength = 100;

    public static readonly string[] SortKeys = ["id", "-id", "createdAt", "-createdAt", "updatedAt", "-updatedAt"];

    // Parameters in a fixed order, each present only when its part is: completed, search, cursor (at, id), limit, offset.
    private static readonly string[] Pages = Shapes(page: true);
    private static readonly string[] Exports = Shapes(page: false);
    private static readonly string[] Counts = [Count(false, false), Count(true, false), Count(false, true), Count(true, true)];

    public static string PageSql(bool completed, bool search, int sort, bool cursor) => Pages[Shape(completed, search, sort, cursor)];

    public static string ExportSql(bool completed, bool search, int sort) => Exports[Shape(completed, search, sort, cursor: false)];

    public static string CountSql(bool completed, bool search) => Counts[(completed ? 1 : 0) + (search ? 2 : 0)];

    /// <summary>The column that orders a sort besides the id (created_at, updated_at), or null for the id orders.</summary>
    public static string? TimeColumn(int sort) => (sort / 2) switch { 1 => "created_at", 2 => "updated_at", _ => null };

    public static bool Descending(int sort) => sort % 2 == 1;

    public static string CursorAfter(int sort, int id, DateTime at) => TimeColumn(sort) is null
        ? id.ToString(CultureInfo.InvariantCulture)
        : Base64Url.EncodeToString(Encoding.ASCII.GetBytes(string.Create(
            CultureInfo.InvariantCulture, $"{TimeColumn(sort)}:{at.Ticks}:{id}")));

    /// <summary>Reads a cursor of the sort; false when it is not one (another order's, or garbage).</summary>
    public static bool TryReadCursor(string after, int sort, out DateTime at, out int id)
    {
        at = default;
        if (TimeColumn(sort) is null)
        {
            return int.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out id);
        }

        id = 0;
        Span<byte> bytes = stackalloc byte[64];
        if (after.Length > 80 || !Base64Url.IsValid(after) || Base64Url.DecodeFromChars(after, bytes, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            return false;
        }

        var parts = Encoding.ASCII.GetString(bytes[..written]).Split(':');
        if (parts.Length == 3 && parts[0] == TimeColumn(sort)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            && ticks <= DateTime.MaxValue.Ticks
            && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out id))
        {
            at = new DateTime(ticks, DateTimeKind.Utc);
            return true;
        }

        return false;
    }

    /// <summary>Every word must match, the last one as a prefix; null when the search holds no word.</summary>
    public static string? ToTsQuery(string? search)
    {
        var words = search is null ? [] : Word().Matches(search).Select(word => word.Value).ToArray();
        return words.Length == 0
            ? null
            : string.Join(" & ", words.Select((word, i) => i == words.Length - 1 ? $"'{word}':*" : $"'{word}'"));
    }

    public static int Characters(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }

        return count;
    }

    private static int Shape(bool completed, bool search, int sort, bool cursor) =>
        (((sort * 2) + (cursor ? 1 : 0)) * 4) + (completed ? 1 : 0) + (search ? 2 : 0);

    private static string[] Shapes(bool page)
    {
        var shapes = new string[SortKeys.Length * 2 * 4];
        for (var sort = 0; sort < SortKeys.Length; sort++)
        {
            foreach (var cursor in new[] { false, true })
            {
                foreach (var completed in new[] { false, true })
                {
                    foreach (var search in new[] { false, true })
                    {
                        shapes[Shape(completed, search, sort, cursor)] = Select(completed, search, sort, cursor, page);
                    }
                }
            }
        }

        return shapes;
    }

    private static string Select(bool completed, bool search, int sort, bool cursor, bool page)
    {
        var time = TimeColumn(sort);
        var (compare, direction) = Descending(sort) ? ("<", " desc") : (">", "");
        var conditions = Filters(completed, search, out var next);
        if (cursor)
        {
            // the first condition alone is what an index range scan can start from; the second breaks the tie
            conditions.Add(time is null
                ? $"id {compare} ${next++}"
                : $"{time} {compare}= ${next} and ({time} {compare} ${next} or id {compare} ${next + 1})");
            next += time is null ? 0 : 2;
        }

        var sql = new StringBuilder("select data");
        sql.Append(page ? ", id" + (time is null ? "" : $", {time}") : "").Append(" from mt_doc_note");
        if (conditions.Count > 0)
        {
            sql.Append(" where ").AppendJoin(" and ", conditions);
        }

        sql.Append(" order by ").Append(time is null ? $"id{direction}" : $"{time}{direction}, id{direction}");
        if (page)
        {
            sql.Append(CultureInfo.InvariantCulture, $" limit ${next} offset ${next + 1}");
        }

        return sql.ToString();
    }

    private static string Count(bool completed, bool search)
    {
        var conditions = Filters(completed, search, out _);
        return "select count(*) from mt_doc_note" + (conditions.Count > 0 ? " where " + string.Join(" and ", conditions) : "");
    }

    private static List<string> Filters(bool completed, bool search, out int next)
    {
        next = 1;
        var conditions = new List<string>();
        if (completed)
        {
            conditions.Add($"completed = ${next++}");
        }

        if (search)
        {
            // the expression of the full-text index mt_doc_note_simple_idx_fts
            conditions.Add($"to_tsvector('simple'::regconfig, data ->> 'text') @@ to_tsquery('simple'::regconfig, ${next++})");
        }

        return conditions;
    }

    /// <summary>A word is a run of letters, digits and marks in any script; anything else separates words.</summary>
    [GeneratedRegex(@"[\p{L}\p{N}\p{M}]+")]
    private static partial Regex Word();
}
