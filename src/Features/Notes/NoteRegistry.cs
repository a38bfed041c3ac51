using NpgsqlTypes;

namespace Notes.Features.Notes;

/// <summary>
/// How Marten stores a note: integer ids from its HiLo table (see HiLoIds), the numeric revision behind ETags
/// (<see cref="JasperFx.IRevisioned"/>), completed, createdAt and updatedAt also as columns (readable in adminer), and
/// a full-text index of the text. The lists order by (column, id) and continue after a row value
/// (column, id) &gt; (at, id): each order has an index of exactly those columns, also behind completed, so that a page
/// starts from an index range scan and never re-reads the notes that share a timestamp (see <see cref="NoteListing"/>).
/// </summary>
internal sealed class NoteRegistry : MartenRegistry
{
    /// <summary>The text search configuration of the full-text index and of every search (see docs/api.md).</summary>
    public const string TextSearchConfig = "simple";

    public NoteRegistry() =>
        For<Note>()
            .Duplicate(note => note.Completed)
            .Duplicate(note => note.CreatedAt, pgType: "timestamptz", dbType: NpgsqlDbType.TimestampTz)
            .Duplicate(note => note.UpdatedAt, pgType: "timestamptz", dbType: NpgsqlDbType.TimestampTz)
            .Index([note => note.CreatedAt, note => note.Id])
            .Index([note => note.UpdatedAt, note => note.Id])
            .Index([note => note.Completed, note => note.CreatedAt, note => note.Id])
            .Index([note => note.Completed, note => note.UpdatedAt, note => note.Id])
            .FullTextIndex(TextSearchConfig, note => note.Text);
}
