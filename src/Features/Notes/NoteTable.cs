using System.Linq.Expressions;
using JasperFx;
using JasperFx.MultiTenancy;
using Marten.Schema;
using Notes.Infrastructure.Hosting;
using Weasel.Postgresql.Tables;

namespace Notes.Features.Notes;

/// <summary>
/// Marten's table of notes as Marten's own mapping of <see cref="Note"/> describes it (schema, table, columns and
/// their types), and the hand-built statements on it, built once from those names. <see cref="Of"/> refuses a mapping
/// the statements would get wrong (soft deletes, tenancy, a column they do not write, another revision type), so that
/// a Marten upgrade or a new policy stops the API at start-up instead of answering wrongly.
/// </summary>
public sealed class NoteTable
{
    private readonly DocumentMapping _mapping;

    private NoteTable(DocumentMapping mapping, Table table)
    {
        _mapping = mapping;
        Name = mapping.TableName.QualifiedName;
        // Marten's IdColumn and DataColumn are internal.
        Id = table.Columns.Single(column => column.GetType().Name == "IdColumn").Name;
        Data = table.Columns.Single(column => column.GetType().Name == "DataColumn").Name;
        Version = mapping.Metadata.Revision.Name;
        LastModified = mapping.Metadata.LastModified.Name;
        DotNetType = mapping.Metadata.DotNetType.Name;
        DotNetTypeName = mapping.DocumentType.FullName!;
        Selected = $"{Id}, {Data}, {Version}";

        var completed = Column(note => note.Completed);
        var createdAt = Column(note => note.CreatedAt);
        var updatedAt = Column(note => note.UpdatedAt);
        InsertColumns = [Id, Data, Version, DotNetType, LastModified, completed, createdAt, updatedAt];
        UpdateColumns = [Data, updatedAt, Version, LastModified, completed];
        KeptColumns = [Id, DotNetType, createdAt];

        // Revision 1, as Marten's own Insert writes it.
        Insert = $"insert into {Name} ({string.Join(", ", InsertColumns)}) values ($1, $2, 1, $3, transaction_timestamp(), $4, $5, $5) returning {Selected}";
        Copy = $"copy {Name} ({string.Join(", ", InsertColumns.Where(column => column != LastModified))}) from stdin (format binary)";
        SelectById = $"select {Selected} from {Name} where {Id} = $1";
        ExistsById = $"select 1 from {Name} where {Id} = $1";
        DeleteById = $"delete from {Name} where {Id} = $1";
        DeleteByIdInRevisions = $"{DeleteById} and {Version} = any($2)";
        UpdateSet = $"update {Name} set {Data} = {Data} || $2, {updatedAt} = $3, {Version} = {Version} + 1, {LastModified} = transaction_timestamp()";
    }

    /// <summary>The table's qualified name: <c>public.mt_doc_note</c> with the default <c>Database:Schema</c>.</summary>
    public string Name { get; }

    public string Id { get; }

    /// <summary>The note's JSON document.</summary>
    public string Data { get; }

    /// <summary>Marten's numeric revision, the ETag.</summary>
    public string Version { get; }

    public string LastModified { get; }

    public string DotNetType { get; }

    /// <summary>What Marten writes in <see cref="DotNetType"/> for a note.</summary>
    public string DotNetTypeName { get; }

    /// <summary>The columns every statement that reads notes selects, in the order <see cref="StoredNote.Read"/> reads them.</summary>
    public string Selected { get; }

    /// <summary>What <see cref="Insert"/> writes: every column of the table.</summary>
    public IReadOnlyList<string> InsertColumns { get; }

    /// <summary>What a change (PUT, PATCH) writes; every other column is one of <see cref="KeptColumns"/>.</summary>
    public IReadOnlyList<string> UpdateColumns { get; }

    /// <summary>What a change leaves as the note was created.</summary>
    public IReadOnlyList<string> KeptColumns { get; }

    /// <summary>$1 id, $2 JSON, $3 the .NET type, $4 completed, $5 createdAt and updatedAt; returns <see cref="Selected"/>.</summary>
    public string Insert { get; }

    /// <summary>
    /// A binary COPY of whole notes, in the order of <see cref="Insert"/>'s columns: id, JSON, revision, .NET type,
    /// completed, createdAt, updatedAt; the last-modified column takes its default, the transaction's time, as in Insert.
    /// </summary>
    public string Copy { get; }

    /// <summary>$1 id; selects <see cref="Selected"/>.</summary>
    public string SelectById { get; }

    public string ExistsById { get; }

    public string DeleteById { get; }

    /// <summary>$1 id, $2 the revisions <c>If-Match</c> accepts.</summary>
    public string DeleteByIdInRevisions { get; }

    /// <summary>The start of a change: $2 the members merged into the JSON, $3 updatedAt; the caller adds the rest and the where clause.</summary>
    public string UpdateSet { get; }

    /// <summary>The column Marten duplicates <paramref name="member"/> of the note's JSON into.</summary>
    public string Column(Expression<Func<Note, object?>> member)
    {
        var body = member.Body is UnaryExpression { NodeType: ExpressionType.Convert } convert ? convert.Operand : member.Body;
        var name = ((MemberExpression)body).Member.Name;
        return _mapping.DuplicatedFields.Single(field => !field.OnlyForSearching && field.Members[^1].Name == name).ColumnName;
    }

    /// <summary>
    /// The notes' table of <paramref name="store"/>, once its mapping is checked against what the statements assume;
    /// a <see cref="StartupException"/> that says what differs when it is not.
    /// </summary>
    public static NoteTable Of(IDocumentStore store)
    {
        var mapping = (DocumentMapping)store.Options.FindOrResolveDocumentType(typeof(Note));
        var table = ((StoreOptions)store.Options).Storage.FindFeature(typeof(Note)).Objects.OfType<Table>().Single();
        var notes = new NoteTable(mapping, table);
        if (notes.Mismatch(mapping, table) is { } mismatch)
        {
            throw new StartupException($"Marten's mapping of notes is not what the notes' statements are written for: {mismatch}.");
        }

        return notes;
    }

    private string? Mismatch(DocumentMapping mapping, Table table)
    {
        var unwritten = table.Columns.Select(column => column.Name).Except(InsertColumns).ToList();
        var idType = table.Columns.Single(column => column.Name == Id).Type;
        return mapping switch
        {
            { DeleteStyle: not DeleteStyle.Remove } => $"{Name} uses {mapping.DeleteStyle} deletes, the statements delete rows ({DeleteStyle.Remove})",
            { TenancyStyle: not TenancyStyle.Single } => $"{Name} uses {mapping.TenancyStyle} tenancy, the statements ignore tenants ({TenancyStyle.Single})",
            { UseNumericRevisions: false } or { Metadata.Revision.Enabled: false } => $"{Name} has no numeric revision column, the ETags are numeric revisions",
            _ when mapping.Metadata.Revision.Type != PostgresType(typeof(Note).GetProperty(nameof(Note.Version))!.PropertyType) =>
                $"{Version} is {mapping.Metadata.Revision.Type}, the statements read it as {typeof(Note).GetProperty(nameof(Note.Version))!.PropertyType.Name}",
            _ when idType != PostgresType(mapping.IdType) => $"{Id} is {idType}, the statements read it as {mapping.IdType.Name}",
            _ when unwritten.Count > 0 => $"{Name} has columns the statements do not write: {string.Join(", ", unwritten)}",
            _ => null,
        };
    }

    private static string? PostgresType(Type type) =>
        type == typeof(int) ? "integer" : type == typeof(long) ? "bigint" : null;
}
