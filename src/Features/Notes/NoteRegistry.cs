using System.Linq.Expressions;
using Marten.Schema;
using NpgsqlTypes;

namespace Notes.Features.Notes;

/// <summary>
/// The notes' table: every note belongs to an owner (Marten's conjoined tenancy, the owner in its tenant column), and
/// PostgreSQL's row-level security, forced also on the table's owner, shows a statement only the rows of the owner
/// named by the setting <see cref="OwnerSetting"/>. Completed, createdAt and updatedAt are also columns (readable in
/// adminer). The lists order by (column, id) within an owner and continue after a row value (column, id) &gt; (at, id):
/// each order has an index of exactly (owner, column, id), also with completed, so that a page starts from an index
/// range scan and never re-reads the notes that share a timestamp (see <see cref="NoteListing"/>). A deleted note goes
/// to the trash (Marten's soft deletes): the lists' indexes hold only the notes not in it, and the trash has an index
/// of its own, (owner, when deleted, id) over the notes in it. There is no
/// full-text index: under row-level security PostgreSQL cannot use one (the text search operator is not leakproof, so
/// it is applied only after the policy), and it would only cost writes.
/// </summary>
internal sealed class NoteRegistry : MartenRegistry
{
    /// <summary>The text search configuration of every search (see docs/api.md).</summary>
    public const string TextSearchConfig = "simple";

    /// <summary>The setting that names, for the statement that sets it, whose notes it sees.</summary>
    public const string OwnerSetting = "notes.owner";

    /// <summary>The registry and the duplicated columns it names, in the one call the store's options need.</summary>
    public static void AddTo(StoreOptions options)
    {
        DuplicateColumns(options);
        options.Schema.Include<NoteRegistry>();
    }

    /// <summary>
    /// The lists' indexes hold the notes not in the trash alone, on the very condition Marten's queries and
    /// <see cref="NoteTable.NotTrashed"/> write (Marten's name of the column is internal: a new name would fail the
    /// index's creation at start-up).
    /// </summary>
    private const string NotTrashed = "mt_deleted = False";

    public NoteRegistry() =>
        For<Note>()
            .MultiTenanted()
            .UseRowLevelSecurity(OwnerSetting)
            .StartIndexesByTenantId()
            .SoftDeleted()
            .Index([note => note.CreatedAt, note => note.Id], NotInTrash)
            .Index([note => note.UpdatedAt, note => note.Id], NotInTrash)
            .Index([note => note.Completed, note => note.CreatedAt, note => note.Id], NotInTrash)
            .Index([note => note.Completed, note => note.UpdatedAt, note => note.Id], NotInTrash);

    private static void NotInTrash(ComputedIndex index) => index.Predicate = NotTrashed;

    /// <summary>
    /// The duplicated columns, as a policy, which Marten applies before the registry's indexes (these name them).
    /// Marten's <c>Duplicate</c> also indexes each column on its own: every such index would be the leading column of
    /// one of the (column, id) indexes, which serves the same lookups, and would only cost writes (a change of a note
    /// moves updated_at, which rules out PostgreSQL's in-place update, so every index of the row is written).
    /// </summary>
    private static void DuplicateColumns(StoreOptions options) =>
        options.Policies.ForAllDocuments(mapping =>
        {
            if (mapping is DocumentMapping<Note> notes)
            {
                DuplicateUnindexed(notes, note => note.Completed);
                DuplicateUnindexed(notes, note => note.CreatedAt, "timestamptz", NpgsqlDbType.TimestampTz);
                DuplicateUnindexed(notes, note => note.UpdatedAt, "timestamptz", NpgsqlDbType.TimestampTz);
                notes.AddIndex(notes.Metadata.TenantId.Name, notes.Metadata.SoftDeletedAt.Name, "id").Predicate = notes.Metadata.IsSoftDeleted.Name;
            }
        });

    private static void DuplicateUnindexed(DocumentMapping<Note> notes, Expression<Func<Note, object?>> member, string? pgType = null, NpgsqlDbType? dbType = null)
    {
        var indexes = notes.Indexes.ToList();
        notes.Duplicate(member, pgType, dbType);
        foreach (var added in notes.Indexes.Except(indexes).ToList())
        {
            notes.Indexes.Remove(added);
        }
    }
}
