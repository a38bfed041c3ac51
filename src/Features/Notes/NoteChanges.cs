using System.Globalization;
using System.Text;
using Marten;

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
        this IDocumentSession session, int id, string? text, bool? completed, DateTime now, IReadOnlyList<int>? ifMatch, CancellationToken cancellationToken)
    {
        var changes = new Dictionary<string, object> { ["updatedAt"] = now };
        var sql = new StringBuilder($"with changed as (update {session.NoteTable()} set data = data || ?::jsonb");
        var parameters = new List<object>();
        if (text is not null)
        {
            changes["text"] = text;
        }

        if (completed is { } done)
        {
            changes["completed"] = done;
            sql.Append(", completed = ?");
            parameters.Add(done);
        }

        parameters.Insert(0, session.DocumentStore.Options.Serializer().ToJson(changes));
        sql.Append(", updated_at = ?, mt_version = mt_version + 1, mt_last_modified = transaction_timestamp() where id = ?");
        parameters.Add(new DateTimeOffset(now)); // Marten passes a DateTime as timestamp without time zone
        parameters.Add(id);
        if (ifMatch is not null)
        {
            sql.Append(" and mt_version = any(?)");
            parameters.Add(ifMatch.ToArray());
        }

        sql.Append(" returning id, data, mt_version) select id, data, mt_version from changed");
        var written = await session.AdvancedSql.QueryAsync<Note>(sql.ToString(), cancellationToken, [.. parameters]);
        return written.Count == 1
            ? new WriteOutcome.Written(written[0])
            : await session.WhyNotWrittenAsync<WriteOutcome>(id, new WriteOutcome.NotFound(), new WriteOutcome.PreconditionFailed(), cancellationToken);
    }

    /// <summary>After a conditional write changed nothing: the note is gone, or it is in another revision.</summary>
    public static async Task<TOutcome> WhyNotWrittenAsync<TOutcome>(
        this IQuerySession session, int id, TOutcome notFound, TOutcome preconditionFailed, CancellationToken cancellationToken)
    {
        var revisions = await session.AdvancedSql.QueryAsync<int>($"select mt_version from {session.NoteTable()} where id = ?", cancellationToken, id);
        return revisions.Count == 0 ? notFound : preconditionFailed;
    }

    /// <summary>The notes' Marten table, in the store's schema.</summary>
    public static string NoteTable(this IQuerySession session) =>
        string.Create(CultureInfo.InvariantCulture, $"{session.DocumentStore.Options.DatabaseSchemaName}.mt_doc_note");
}
