using Marten;

namespace Notes.Tests.Infrastructure;

/// <summary>Reads what adminer shows: the columns that duplicate a note's JSON fields.</summary>
internal static class NoteColumns
{
    /// <summary>Whether completed, created_at and updated_at each hold the same value as the note's JSON.</summary>
    public static async Task<(bool Completed, bool CreatedAt, bool UpdatedAt)> NoteColumnsAsync(this IQuerySession session, long id)
    {
        var rows = await session.AdvancedSql.QueryAsync<bool, bool, bool>(
            """
            select row(completed is not distinct from (data ->> 'completed')::boolean),
                   row(created_at = (data ->> 'createdAt')::timestamptz),
                   row(updated_at = (data ->> 'updatedAt')::timestamptz)
            from mt_doc_note where id = ?
            """,
            CancellationToken.None,
            id);
        return rows.Single();
    }
}
