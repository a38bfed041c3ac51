using System.Security.Cryptography;
using System.Text;
using Notes.Features.Notes;
using Npgsql;

namespace Notes.Infrastructure.Database;

/// <summary>
/// How a restart knows that the database already has the schema this build configures, and skips Marten's comparison
/// of the whole schema, the largest database cost of start-up: a comment on the notes' table, written after a
/// successful apply, holding a hash of Marten's creation script (every object it manages: schema, tables, indexes,
/// the HiLo table, functions, the owners' row-level security policy), and the changes feed's table and function. The mark is current only while each of those
/// objects still exists (the policy also forced), so a dropped index or policy is made again at the next start; a
/// definition changed by hand under the same name is not seen.
/// </summary>
internal sealed class SchemaMark
{
    /// <summary>The version of <see cref="DatabaseStartup"/>'s own steps around Marten's: bump it when they change.</summary>
    private const string Steps = "notes-schema 4";

    private readonly NoteTable _table;
    private readonly string[] _schemas;
    private readonly string[] _names;

    public SchemaMark(IDocumentStore store, NoteTable table)
    {
        _table = table;
        Value = $"{Steps} {Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(store.Storage.ToDatabaseScript())))}";
        var feed = new NoteFeed(table);
        var managed = store.Storage.AllObjects().SelectMany(schemaObject => schemaObject.AllNames()).Select(name => (Schema: name.Schema, Name: name.Name))
            .Concat([Split(feed.Table), Split(feed.Horizon), Split(feed.Function), (Schema: table.Schema, Name: NoteFeed.Trigger)])
            .ToArray();
        _schemas = [.. managed.Select(name => name.Schema)];
        _names = [.. managed.Select(name => name.Name)];
    }

    private static (string Schema, string Name) Split(string qualified) => (qualified[..qualified.IndexOf('.')], qualified[(qualified.IndexOf('.') + 1)..]);

    /// <summary>What this build writes on the table.</summary>
    public string Value { get; }

    public async Task<bool> IsCurrentAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            select coalesce(obj_description(to_regclass($1), 'pg_class') = $2, false)
                and not exists (
                    select from unnest($3::text[], $4::text[]) as managed(schema, name)
                    where not exists (select from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = managed.schema and c.relname = managed.name)
                      and not exists (select from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = managed.schema and p.proname = managed.name)
                      and not exists (select from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace where n.nspname = managed.schema and t.tgname = managed.name)
                      and not exists (
                          select from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace
                          where n.nspname = managed.schema and c.relname || '_' || p.polname = managed.name and c.relrowsecurity and c.relforcerowsecurity))
            """,
            connection)
        {
            Parameters = { new() { Value = _table.Name }, new() { Value = Value }, new() { Value = _schemas }, new() { Value = _names } },
        };
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    public async Task WriteAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"comment on table {_table.Name} is '{Value}'", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
