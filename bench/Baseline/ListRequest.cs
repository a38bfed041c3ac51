using System.Globalization;

namespace Notes.Baseline;

/// <summary>
/// The query of GET /notes and GET /notes/all, read and checked as the API does: a value left empty counts as left out;
/// a value that is not of its type is 400, one that breaks a rule 422 (the error says which, and of which field).
/// </summary>
internal sealed record ListRequest(int Skip, int Take, bool? Completed, string? Q, string? TsQuery, int Sort, string? SortKey, string? After, DateTime CursorAt, int CursorId)
{
    public bool HasCursor => After is not null;

    public static ListRequest? Read(IQueryCollection query, bool paging, out (int Status, string Field, string Message)? error)
    {
        error = null;
        var skip = 0;
        var take = NoteListing.DefaultTake;
        if (paging && (!TryInt(query, "skip", ref skip, ref error) || !TryInt(query, "take", ref take, ref error)))
        {
            return null;
        }

        bool? completed = null;
        if (Value(query, "completed") is { } flag)
        {
            if (!bool.TryParse(flag, out var done))
            {
                error = (400, "completed", $"'completed' must be true or false, not '{flag}'.");
                return null;
            }

            completed = done;
        }

        var q = Value(query, "q");
        var sortKey = Value(query, "sort");
        var sort = sortKey is null ? 0 : Array.IndexOf(NoteListing.SortKeys, sortKey);
        var after = paging ? Value(query, "after") : null;
        var at = default(DateTime);
        var cursorId = 0;
        error = skip < 0 ? (422, "skip", "'skip' must be 0 or more.")
            : take is < 1 or > NoteListing.MaxTake ? (422, "take", $"'take' must be between 1 and {NoteListing.MaxTake}.")
            : q is not null && NoteListing.Characters(q) > NoteListing.MaxSearchLength
                ? (422, "q", $"'q' must be at most {NoteListing.MaxSearchLength} characters (it was {NoteListing.Characters(q)}).")
            : sort < 0 ? (422, "sort", $"'sort' must be one of {string.Join(", ", NoteListing.SortKeys)}, not '{sortKey}'.")
            : after is not null && !NoteListing.TryReadCursor(after, sort, out at, out cursorId)
                ? (422, "after", $"'after' must be a cursor of this list (a note's id for sort=id or -id, else the cursor a Link header gave), not '{after}'.")
            : null;
        return error is null ? new ListRequest(skip, take, completed, q, NoteListing.ToTsQuery(q), sort, sortKey, after, at, cursorId) : null;
    }

    private static string? Value(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && values.ToString() is { Length: > 0 } value ? value : null;

    private static bool TryInt(IQueryCollection query, string name, ref int value, ref (int, string, string Message)? error)
    {
        if (Value(query, name) is not { } text)
        {
            return true;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        error = (400, name, $"'{name}' must be a whole number from -2147483648 to 2147483647, not '{text}'.");
        return false;
    }
}
