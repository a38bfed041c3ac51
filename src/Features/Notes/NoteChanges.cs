using System.Text;
using NpgsqlTypes;

namespace Notes.Features.Notes;

/// <summary>
/// Changes a stored note's text and/or completed flag in one atomic statement (PUT and PATCH): an UPDATE of the row
/// that exists, in the revision <c>If-Match</c> named if it named any. It cannot lose a race to another writer (they
/// queue on the row and each applies to the revision before it), and it cannot bring back a note a concurrent DELETE
/// removed (there is no row left to update).
/// </summary>
internal static class NoteChanges
{
    public static async Task<WriteOutcome> ChangeNoteAsync(
        this IDocumentSession session, NoteTable table, long id, string? text, bool? completed, DateTime now, IReadOnlyList<int>? ifMatch, CancellationToken cancellationToken)
    {
        var changes = new Dictionary<string, object> { ["updatedAt"] = now };
        if (text is not null)
        {
            changes["text"] = text;
        }

        if (completed is { } done)
        {
            changes["completed"] = done;
        }

        // @p1 the id, @p2 the changed members (merged into the stored JSON), @p3 updatedAt, then what is given
        var json = session.DocumentStore.Options.Serializer().ToJson(changes);
        var parameters = new List<object> { id, new Npgsql.NpgsqlParameter { Value = json, NpgsqlDbType = NpgsqlDbType.Jsonb }, now };
        var sql = new StringBuilder(table.UpdateSet);
        if (completed is { } flag)
        {
            parameters.Add(flag);
            sql.Append(", ").Append(table.Column(note => note.Completed)).Append(" = @p").Append(parameters.Count);
        }

        sql.Append(table.UpdateWhere);
        if (ifMatch is not null)
        {
            parameters.Add(ifMatch.ToArray());
            sql.Append(" and ").Append(table.Version).Append(" = any(@p").Append(parameters.Count).Append(')');
        }

        sql.Append(" returning ").Append(table.Selected);
        var written = await session.ReadNoteAsync(NoteStatements.Statement(sql.ToString(), [.. parameters]), cancellationToken);
        return written is not null
            ? new WriteOutcome.Written(written)
            : await session.WhyNotWrittenAsync(table, id, cancellationToken);
    }

    /// <summary>After a conditional write changed nothing: the note is gone, or it is in another revision.</summary>
    public static async Task<WriteOutcome> WhyNotWrittenAsync(this IQuerySession session, NoteTable table, long id, CancellationToken cancellationToken)
    {
        return await session.AnyRowAsync(NoteStatements.Statement(table.ExistsById, id), cancellationToken)
            ? new WriteOutcome.PreconditionFailed()
            : new WriteOutcome.NotFound();
    }
}
