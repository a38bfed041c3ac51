using System.Data.Common;
using System.Text.Json;
using Marten;
using Npgsql;

namespace Notes.Features.Notes;

/// <summary>
/// A note as PostgreSQL holds it: its JSON document, which is also its wire form and goes out as it is (never
/// deserialised and serialised again on the way), and its revision (the ETag). The fields are read from the JSON
/// when something asks for them.
/// </summary>
public sealed class StoredNote(long id, int version, byte[] json)
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private Note? _note;

    public long Id { get; } = id;

    public int Version { get; } = version;

    /// <summary>The note's JSON, UTF-8, as PostgreSQL renders the stored document.</summary>
    public byte[] Json { get; } = json;

    public string Text => Note.Text;

    public bool Completed => Note.Completed;

    public DateTime CreatedAt => Note.CreatedAt;

    public DateTime UpdatedAt => Note.UpdatedAt;

    private Note Note => _note ??= JsonSerializer.Deserialize<Note>(Json, Web)!;

    public string ETag() => NoteETags.For(Version);

    /// <summary>Reads the note of the reader's current row (<see cref="NoteTable.Selected"/> first).</summary>
    internal static StoredNote Read(DbDataReader reader) =>
        new(reader.GetInt64(0), reader.GetInt32(2), reader.GetFieldValue<byte[]>(1));
}

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
