using System.Net.Http.Json;
using JasperFx;
using Marten;
using Notes.Features.Notes;
using Notes.Tests.Http;
using Npgsql;
using Weasel.Core;

namespace Notes.Tests.Infrastructure;

/// <summary>A database made while note ids were <c>integer</c> gets <c>bigint</c> ids at start-up, with every note and the HiLo row kept.</summary>
public sealed class IntegerIdsMigrationTests(IntegerIdsMigrationTests.IntegerIdsDatabase api) : IClassFixture<IntegerIdsMigrationTests.IntegerIdsDatabase>
{
    public sealed class IntegerIdsDatabase : NotesApi
    {
        /// <summary>The HiLo row of that database: its next block starts past int.MaxValue.</summary>
        public const long Hi = int.MaxValue / 1000;

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
                session.Insert(new Note { Text = "first", CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow });
                session.Insert(new Note { Text = "second", Completed = true, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow });
                await session.SaveChangesAsync();
            }

            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var integerIds = new NpgsqlCommand(
                $"alter table mt_doc_note alter column id type integer; update mt_hilo set hi_value = {Hi} where entity_name = 'Note'", connection);
            await integerIds.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task Should_widen_ids_to_bigint_keeping_every_note_and_the_hilo_row()
    {
        var type = await api.SqlAsync("select data_type from information_schema.columns where table_name = 'mt_doc_note' and column_name = 'id'");
        var notes = await api.QueryAsync(session => session.Query<Note>().OrderBy(note => note.Id).ToListAsync());
        var created = await (await api.CreateClient().PostAsJsonAsync("/notes", new { text = "after the widening" })).ShouldBeNoteAsync();

        type.ShouldBe("bigint");
        notes.Select(note => (note.Id, note.Text, note.Completed)).ShouldBe([(1L, "first", false), (2L, "second", true)]);
        created["id"]!.GetValue<long>().ShouldBe(((IntegerIdsDatabase.Hi + 1) * 1000) + 1);
        (await api.QueryAsync(session => session.LoadAsync<Note>(created["id"]!.GetValue<long>()))).ShouldNotBeNull().Text.ShouldBe("after the widening");
    }
}
