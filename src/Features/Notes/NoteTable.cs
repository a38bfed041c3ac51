using System.Linq.Expressions;
using JasperFx;
using JasperFx.MultiTenancy;
using Marten.Schema;
using Notes.Infrastructure.Hosting;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Notes.Features.Notes;

/// <summary>
/// Marten's table of notes as Marten's own mapping of <see cref="Note"/> describes it (schema, table, columns and
/// their types), and the hand-built statements on it, built once from those names. Their parameters are named @p1,
/// @p2, ... (see <see cref="NoteStatements"/>), and none names an owner: row-level security keeps each statement to
/// the owner it is run for, and a new note takes that owner. A note deleted goes to the trash (Marten's soft deletes:
/// <see cref="Trashed"/> and <see cref="TrashedAt"/>), and every statement but the trash's own keeps to the notes not in
/// it, as Marten's own queries do. <see cref="Of"/> refuses a mapping the statements would get wrong (hard deletes, no
/// owners or no row-level security, a column they do not write, another revision type),
/// so that a Marten upgrade or a new policy stops the API at start-up instead of answering wrongly.
/// </summary>
public sealed class NoteTable
{
    private readonly DocumentMapping _mapping;

    private NoteTable(DocumentMapping mapping, Table table)
    {
        _mapping = mapping;
        Name = mapping.TableName.QualifiedName;
        Schema = mapping.TableName.Schema;
        // Marten's IdColumn and DataColumn are internal.
        Id = table.Columns.Single(column => column.GetType().Name == "IdColumn").Name;
        Data = table.Columns.Single(column => column.GetType().Name == "DataColumn").Name;
        Version = mapping.Metadata.Revision.Name;
        LastModified = mapping.Metadata.LastModified.Name;
        DotNetType = mapping.Metadata.DotNetType.Name;
        Trashed = mapping.Metadata.IsSoftDeleted.Name;
        TrashedAt = mapping.Metadata.SoftDeletedAt.Name;
        // none without tenancy: Of refuses such a mapping
        Owner = table.Columns.SingleOrDefault(column => column.GetType().Name == "TenantIdColumn")?.Name ?? "";
        DotNetTypeName = mapping.DocumentType.FullName!;
        Selected = $"{Id}, {Data}, {Version}";

        var completed = Column(note => note.Completed);
        var createdAt = Column(note => note.CreatedAt);
        var updatedAt = Column(note => note.UpdatedAt);
        InsertColumns = [Id, Data, Version, DotNetType, LastModified, completed, createdAt, updatedAt, Owner, Trashed, TrashedAt];
        UpdateColumns = [Data, updatedAt, Version, LastModified, completed];
        KeptColumns = [Id, DotNetType, createdAt, Owner, Trashed, TrashedAt];
        NotTrashed = $"{Trashed} = False";
        var live = $"{Id} = @p1 and {NotTrashed}";
        var inTrash = $"{Id} = @p1 and {Trashed}";

        // Revision 1, as Marten's own Insert writes it; the owner the statement runs for, which the policy checks too.
        var owner = $"current_setting('{NoteRegistry.OwnerSetting}')";
        Insert = $"insert into {Name} ({string.Join(", ", InsertColumns)}) values (@p1, @p2, 1, @p3, transaction_timestamp(), @p4, @p5, @p5, {owner}, False, null) returning {Selected}";
        InsertMany = $"insert into {Name} ({string.Join(", ", InsertColumns)}) "
            + $"select id, data, 1, @p3, transaction_timestamp(), completed, @p5, @p5, {owner}, False, null from unnest(@p1, @p2, @p4) as note(id, data, completed)";
        SelectById = $"select {Selected} from {Name} where {live}";
        ExistsById = $"select 1 from {Name} where {live}";
        // as Marten's own soft delete: the revision stays, the note is only out of sight
        var toTrash = $"update {Name} set {Trashed} = True, {TrashedAt} = transaction_timestamp() where {live}";
        DeleteById = $"{toTrash} returning {Id}";
        DeleteByIdInRevisions = $"{toTrash} and {Version} = any(@p2) returning {Id}";
        UpdateSet = $"update {Name} set {Data} = {Data} || @p2, {updatedAt} = @p3, {Version} = {Version} + 1, {LastModified} = transaction_timestamp()";
        UpdateWhere = $" where {live}";
        Restore = $"update {Name} set {Trashed} = False, {TrashedAt} = null, {Version} = {Version} + 1, {LastModified} = transaction_timestamp() where {inTrash} returning {Selected}";
        DeleteFromTrash = $"delete from {Name} where {inTrash} returning {Id}";
        EmptyTrash = $"with emptied as (delete from {Name} where {Trashed} returning 1) select count(*) from emptied";
        PurgeTrash = $"delete from {Name} where {Trashed} and {TrashedAt} < transaction_timestamp() - make_interval(days => @days)";
    }

    /// <summary>The table's qualified name: <c>public.mt_doc_note</c> with the default <c>Database:Schema</c>.</summary>
    public string Name { get; }

    /// <summary>The table's schema, <c>Database:Schema</c>.</summary>
    public string Schema { get; }

    public string Id { get; }

    /// <summary>The note's JSON document.</summary>
    public string Data { get; }

    /// <summary>Marten's numeric revision, the ETag.</summary>
    public string Version { get; }

    public string LastModified { get; }

    public string DotNetType { get; }

    /// <summary>Whether the note is in the trash: Marten's soft delete flag.</summary>
    public string Trashed { get; }

    /// <summary>When the note went to the trash.</summary>
    public string TrashedAt { get; }

    /// <summary>The condition that keeps a statement to the notes not in the trash, as Marten's own queries write it (the lists' indexes hold these notes alone).</summary>
    public string NotTrashed { get; }

    /// <summary>Whose note it is: Marten's tenant column, which the row-level security policy compares with <see cref="NoteRegistry.OwnerSetting"/>.</summary>
    public string Owner { get; }

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

    /// <summary>@p1 id, @p2 JSON, @p3 the .NET type, @p4 completed, @p5 createdAt and updatedAt; returns <see cref="Selected"/>.</summary>
    public string Insert { get; }

    /// <summary>
    /// <see cref="Insert"/> of many notes in one statement: @p1 their ids, @p2 their JSON and @p4 their completed flags
    /// as arrays, @p3 and @p5 as in Insert. (PostgreSQL refuses COPY into a table under row-level security.)
    /// </summary>
    public string InsertMany { get; }

    /// <summary>@p1 id; selects <see cref="Selected"/>.</summary>
    public string SelectById { get; }

    public string ExistsById { get; }

    /// <summary>@p1 id; moves the note to the trash and returns its id, if there was one to move.</summary>
    public string DeleteById { get; }

    /// <summary>@p1 id, @p2 the revisions <c>If-Match</c> accepts; moves the note to the trash and returns its id, if there was one to move.</summary>
    public string DeleteByIdInRevisions { get; }

    /// <summary>The start of a change: @p2 the members merged into the JSON, @p3 updatedAt; the caller adds what else it sets, then <see cref="UpdateWhere"/>.</summary>
    public string UpdateSet { get; }

    /// <summary>The where clause of a change: note @p1, not in the trash; the caller may add conditions.</summary>
    public string UpdateWhere { get; }

    /// <summary>@p1 id; takes the note out of the trash in a new revision and returns it (<see cref="Selected"/>), if it was there.</summary>
    public string Restore { get; }

    /// <summary>@p1 id; deletes the note for good if it is in the trash, and returns its id.</summary>
    public string DeleteFromTrash { get; }

    /// <summary>Deletes every note in the trash for good; selects how many.</summary>
    public string EmptyTrash { get; }

    /// <summary>Deletes for good the notes in the trash for longer than @days days, every owner's when row-level security is lifted.</summary>
    public string PurgeTrash { get; }

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
        var schemaObjects = ((StoreOptions)store.Options).Storage.FindFeature(typeof(Note)).Objects;
        var table = schemaObjects.OfType<Table>().Single();
        var notes = new NoteTable(mapping, table);
        if (notes.Mismatch(mapping, table, schemaObjects) is { } mismatch)
        {
            throw new StartupException($"Marten's mapping of notes is not what the notes' statements are written for: {mismatch}.");
        }

        return notes;
    }

    private string? Mismatch(DocumentMapping mapping, Table table, IEnumerable<ISchemaObject> schemaObjects)
    {
        var unwritten = table.Columns.Select(column => column.Name).Except(InsertColumns).ToList();
        var idType = table.Columns.Single(column => column.Name == Id).Type;
        return mapping switch
        {
            { DeleteStyle: not DeleteStyle.SoftDelete } => $"{Name} uses {mapping.DeleteStyle} deletes, the statements move notes to the trash ({DeleteStyle.SoftDelete})",
            { TenancyStyle: not TenancyStyle.Conjoined } => $"{Name} uses {mapping.TenancyStyle} tenancy, the statements keep owners in the tenant column ({TenancyStyle.Conjoined})",
            _ when !OwnerPolicy(schemaObjects) => $"{Name} has no row-level security policy forced on it that compares {Owner} with {NoteRegistry.OwnerSetting}",
            { UseNumericRevisions: false } or { Metadata.Revision.Enabled: false } => $"{Name} has no numeric revision column, the ETags are numeric revisions",
            _ when mapping.Metadata.Revision.Type != PostgresType(typeof(Note).GetProperty(nameof(Note.Version))!.PropertyType) =>
                $"{Version} is {mapping.Metadata.Revision.Type}, the statements read it as {typeof(Note).GetProperty(nameof(Note.Version))!.PropertyType.Name}",
            _ when idType != PostgresType(mapping.IdType) => $"{Id} is {idType}, the statements read it as {mapping.IdType.Name}",
            _ when unwritten.Count > 0 => $"{Name} has columns the statements do not write: {string.Join(", ", unwritten)}",
            _ => null,
        };
    }

    /// <summary>Whether Marten creates, with the table, a policy that keeps each statement to the owner it names, forced also on the table's owner.</summary>
    private bool OwnerPolicy(IEnumerable<ISchemaObject> schemaObjects) =>
        schemaObjects.Select(schemaObject =>
        {
            var script = new StringWriter();
            schemaObject.WriteCreateStatement(new PostgresqlMigrator(), script);
            return script.ToString();
        }).Any(script => script.Contains("FORCE ROW LEVEL SECURITY", StringComparison.Ordinal)
            && script.Contains($"{Owner} = (select current_setting('{NoteRegistry.OwnerSetting}'))", StringComparison.Ordinal));

    private static string? PostgresType(Type type) =>
        type == typeof(int) ? "integer" : type == typeof(long) ? "bigint" : null;
}
