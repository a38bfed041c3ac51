using System.Globalization;
using System.Net.Http.Json;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Notes.Infrastructure.Database;
using Weasel.Core;
using Notes.Tests.Http;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Hosting;

/// <summary>
/// Start-up marks the schema it applied on the notes' table. A restart of the same build that finds its mark, and
/// every object Marten manages, skips Marten's comparison of the schema; another mark, or a missing object, gets the
/// schema applied again. Each test changes the database by hand, then starts a second instance on it.
/// </summary>
public sealed class SchemaMarkTests(NotesApi api) : IClassFixture<NotesApi>
{
    [Fact]
    public async Task Should_skip_the_comparison_when_the_table_carries_this_builds_mark()
    {
        await api.SqlAsync(ChangeFunctionBody);

        await StartAnotherInstanceAsync();

        (await api.SqlAsync(FunctionBody)).ShouldBe(ChangedBody);
        (await api.SqlAsync(Mark)).ShouldBe(ThisBuildsMark);
    }

    [Fact]
    public async Task Should_leave_marten_nothing_to_change_once_it_applied_the_schema()
    {
        var migration = await api.Services.GetRequiredService<IDocumentStore>().Storage.Database.CreateMigrationAsync();

        migration.Difference.ShouldBe(SchemaPatchDifference.None, string.Join(", ", migration.Deltas.Where(delta => delta.Difference != SchemaPatchDifference.None).Select(delta => delta.SchemaObject.Identifier)));
    }

    [Theory]
    [InlineData("'notes-schema 1 0000'")]
    [InlineData("null")]
    public async Task Should_apply_the_schema_and_mark_it_when_the_table_carries_another_builds_mark_or_none(string comment)
    {
        await api.SqlAsync($"comment on table {api.Table.Name} is {comment}");
        await api.SqlAsync(ChangeFunctionBody);

        await StartAnotherInstanceAsync();

        (await api.SqlAsync(FunctionBody)).ShouldNotBe(ChangedBody);
        (await api.SqlAsync(Mark)).ShouldBe(ThisBuildsMark);
    }

    [Theory]
    [InlineData("index", "drop index {0}.mt_doc_note_idx_completedcreated_atid", "select to_regclass('{0}.mt_doc_note_idx_completedcreated_atid') is not null")]
    [InlineData("HiLo function", "drop function {0}.mt_get_next_hi", "select to_regproc('{0}.mt_get_next_hi') is not null")]
    [InlineData("Idempotency-Key table", "drop table {0}.idempotency_keys", "select to_regclass('{0}.idempotency_keys') is not null")]
    public async Task Should_make_a_dropped_object_again_although_the_table_carries_this_builds_mark(string what, string drop, string exists)
    {
        await api.SqlAsync(string.Format(CultureInfo.InvariantCulture, drop, Schema));

        await StartAnotherInstanceAsync();

        (await api.SqlAsync(string.Format(CultureInfo.InvariantCulture, exists, Schema))).ShouldBe(true, what);
        (await (await api.CreateClient().PostAsJsonAsync("/notes", new { text = "an id from the HiLo function" })).ShouldBeNoteAsync())["id"]!.GetValue<long>().ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Should_give_notes_their_columns_when_it_applies_the_schema()
    {
        var created = await (await api.CreateClient().PostAsJsonAsync("/notes", new { text = "written by a build from before the columns", completed = true })).ShouldBeNoteAsync();
        var id = created["id"]!.GetValue<long>();
        await api.SqlAsync($"update {api.Table.Name} set completed = null, created_at = null, updated_at = null where id = {id}");
        await api.SqlAsync($"comment on table {api.Table.Name} is null");

        await StartAnotherInstanceAsync();

        (await api.SqlAsync($"select completed and created_at is not null and updated_at is not null from {api.Table.Name} where id = {id}")).ShouldBe(true);
        (await api.SqlAsync(Mark)).ShouldBe(ThisBuildsMark);
    }

    private const string ChangedBody = " select value::date + 0 ";

    private string Schema => api.Services.GetRequiredService<IDocumentStore>().Options.DatabaseSchemaName;

    private string ChangeFunctionBody => $"create or replace function {Schema}.mt_immutable_date(value text) returns date language sql immutable as $${ChangedBody}$$";

    private string FunctionBody => $"select prosrc from pg_proc where oid = '{Schema}.mt_immutable_date(text)'::regprocedure";

    private string Mark => $"select obj_description('{api.Table.Name}'::regclass, 'pg_class')";

    private string ThisBuildsMark => new SchemaMark(api.Services.GetRequiredService<IDocumentStore>(), api.Table).Value;

    /// <summary>A second instance of this build on the fixture's database: it has applied the schema once started.</summary>
    private async Task StartAnotherInstanceAsync()
    {
        await using var another = api.WithWebHostBuilder(_ => { });
        _ = another.Server;
    }
}
