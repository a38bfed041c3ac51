using Notes.Tests.Infrastructure;
using Npgsql;

namespace Notes.Tests.Scripts;

/// <summary>
/// The read-only login notes_inspector (scripts/notes-inspector.sql) on a private cluster made by scripts/db.sh up:
/// it reads every table and every owner's rows under forced row-level security, and writes nothing.
/// </summary>
public sealed class InspectorLoginTests(PrivateCluster cluster) : IClassFixture<PrivateCluster>
{
    private const string Inspector = "notes_inspector";

    [Fact]
    public async Task Should_let_the_inspector_read_a_table_and_refuse_it_every_write()
    {
        var database = await CreateDatabaseAsync(
            "create table inspected (id int primary key, text text not null); insert into inspected values (1, 'stored by notes')");

        (await QueryAsync(database, Inspector, "select text from inspected where id = 1")).ShouldBe("stored by notes");

        foreach (var write in new[]
                 {
                     "insert into inspected values (2, 'by the inspector')",
                     "update inspected set text = 'changed' where id = 1",
                     "delete from inspected",
                     "truncate inspected",
                     "create table inspector_own (id int)",
                     "create schema inspector_own",
                     "create database inspector_own",
                     "alter table inspected add column extra int",
                 })
        {
            var refused = await Should.ThrowAsync<PostgresException>(() => QueryAsync(database, Inspector, write));
            refused.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege, write);
        }

        (await QueryAsync(database, "notes", "select string_agg(id || ':' || text, ',') from inspected")).ShouldBe("1:stored by notes");
    }

    [Fact]
    public async Task Should_let_the_inspector_see_every_owners_rows_where_row_level_security_is_forced()
    {
        // As the lead's policy does: rows are the owner's that the statement names in notes.owner.
        var database = await CreateDatabaseAsync(
            "create table owned (tenant_id text not null, text text not null); "
            + "insert into owned values ('ann', 'ann''s note'), ('bob', 'bob''s note'), ('bob', 'bob''s other note'); "
            + "alter table owned enable row level security; alter table owned force row level security; "
            + "create policy owner_only on owned using (tenant_id = current_setting('notes.owner', true))");
        const string count = "select count(*)::text from owned";

        (await QueryAsync(database, "notes", count)).ShouldBe("0", "the table's owner, without BYPASSRLS, names no owner");
        (await QueryAsync(database, "notes", "set notes.owner = 'bob'; " + count)).ShouldBe("2");
        (await QueryAsync(database, Inspector, count)).ShouldBe("3");
        (await QueryAsync(database, Inspector, "set notes.owner = 'ann'; " + count)).ShouldBe("3");
    }

    [Fact]
    public async Task Should_keep_the_inspector_a_plain_login_when_db_sh_runs_again()
    {
        var (exitCode, output) = await cluster.RunScriptAsync("up");

        exitCode.ShouldBe(0, output);
        output.ShouldNotContain("NOTICE");
        output.ShouldNotContain("ERROR");
        (await QueryAsync("notes", "notes",
                "select concat_ws(',', rolcanlogin, rolbypassrls, rolsuper, rolcreatedb, rolcreaterole, rolreplication, "
                + "pg_has_role(oid, 'pg_read_all_data', 'member'), pg_has_role(oid, 'pg_write_all_data', 'member')) "
                + $"from pg_roles where rolname = '{Inspector}'"))
            .ShouldBe("t,t,f,f,f,f,t,f");
    }

    /// <summary>A database of the notes login with the tables <paramref name="setup"/> makes, for one test.</summary>
    private async Task<string> CreateDatabaseAsync(string setup)
    {
        var name = $"inspector_{Guid.NewGuid():N}";
        await QueryAsync("notes", "notes", $"create database {name}");
        await QueryAsync(name, "notes", setup);
        return name;
    }

    /// <summary>Runs <paramref name="sql"/> as <paramref name="login"/> (password as the login) and returns the last result's first value.</summary>
    private async Task<string?> QueryAsync(string database, string login, string sql)
    {
        var settings = new NpgsqlConnectionStringBuilder(cluster.ConnectionString)
        {
            Database = database,
            Username = login,
            Password = login,
            Pooling = false,
        };
        await using var connection = new NpgsqlConnection(settings.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (await command.ExecuteScalarAsync())?.ToString();
    }
}
