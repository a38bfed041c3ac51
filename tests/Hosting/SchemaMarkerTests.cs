using JasperFx;
using Marten;
using Notes.Features.Notes;
using Notes.Infrastructure.Database;
using Notes.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Weasel.Core;

namespace Notes.Tests.Hosting;

/// <summary>
/// Start-up marks the schema it applied on the notes' table; an instance that finds its own mark skips Marten's
/// comparison, and any other mark (or none: a database from before) still gets the schema applied.
/// </summary>
public sealed class SchemaMarkerTests(SchemaMarkerTests.MarkedByAnotherBuild api) : IClassFixture<SchemaMarkerTests.MarkedByAnotherBuild>
{
    public sealed class MarkedByAnotherBuild : NotesApi
    {
        protected override async Task PrepareDatabaseAsync(string connectionString)
        {
            await using (var earlier = DocumentStore.For(options =>
            {
                options.Connection(connectionString);
                options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
                options.Schema.For<Note>();
                options.AutoCreateSchemaObjects = AutoCreate.All;
            }))
            {
                await using var session = earlier.LightweightSession();
                session.Insert(new Note { Text = "from before", Completed = true, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow });
                await session.SaveChangesAsync();
            }

            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var mark = new NpgsqlCommand("comment on table mt_doc_note is 'notes-schema 1 0000'", connection);
            await mark.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task Should_apply_the_schema_and_mark_it_when_the_table_carries_another_builds_mark()
    {
        var columns = await api.SqlAsync("select count(*) from information_schema.columns where table_name = 'mt_doc_note' and column_name in ('completed', 'created_at', 'updated_at')");
        var completed = await api.SqlAsync("select completed from mt_doc_note");
        var mark = await api.SqlAsync("select obj_description('mt_doc_note'::regclass, 'pg_class')");

        columns.ShouldBe(3L);
        completed.ShouldBe(true);
        mark.ShouldBe(DatabaseStartup.SchemaMarker(api.Services.GetRequiredService<IDocumentStore>()));
    }
}
