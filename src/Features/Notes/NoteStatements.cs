using Npgsql;

namespace Notes.Features.Notes;

/// <summary>Runs the notes' statements through the Marten session: its connection, its resilience, its logging.</summary>
internal static class NoteStatements
{
    /// <summary>The one note a statement selects or returns (<see cref="NoteTable.Selected"/>), or null.</summary>
    public static async Task<StoredNote?> ReadNoteAsync(this IQuerySession session, NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using (command)
        await using (var reader = await session.ExecuteReaderAsync(command, cancellationToken))
        {
            return await reader.ReadAsync(cancellationToken) ? StoredNote.Read(reader) : null;
        }
    }

    /// <summary>A statement with positional parameters ($1, $2, ...) in the order given.</summary>
    public static NpgsqlCommand Statement(string sql, params ReadOnlySpan<object> parameters)
    {
        var command = new NpgsqlCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter as NpgsqlParameter ?? new NpgsqlParameter { Value = parameter });
        }

        return command;
    }
}
