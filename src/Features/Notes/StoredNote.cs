using System.Data.Common;
using System.Text.Json;

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
