using JasperFx;
using Marten;
using Notes.Features.Notes;
using Weasel.Core;

namespace Notes.Tests.Infrastructure;

/// <summary>A database made before completed, createdAt and updatedAt became columns is migrated at start-up.</summary>
public sealed class SchemaMigrationTests(SchemaMigrationTests.EarlierDatabase api) : IClassFixture<SchemaMigrationTests.EarlierDatabase>
{
    public sealed class EarlierDatabase : NotesApi
    {
        /// <summary>Ticks past the microsecond, as the first release stored them (PostgreSQL keeps microseconds).</summary>
        public static readonly DateTime Created = new DateTime(2026, 11, 24, 19, 0, 0, 999, DateTimeKind.Utc).AddTicks(9999);

        protected override async Task PrepareDatabaseAsync(string connectionString)
        {
            // the schema and data as the first release of the API left them: a plain Note document
            await using var earlier = DocumentStore.For(options =>
            {
                options.Connection(connectionString);
                options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
                options.Schema.For<Note>();
                options.AutoCreateSchemaObjects = AutoCreate.All;
            });
            await using var session = earlier.LightweightSession();
            session.Insert(new Note { Text = "from before", Completed = true, CreatedAt = Created, UpdatedAt = Created.AddDays(1) });
            session.Insert(new Note { Text = "also from before", Completed = false, CreatedAt = Created, UpdatedAt = Created });
            await session.SaveChangesAsync();
        }
    }

    [Fact]
    public async Task Should_give_existing_notes_their_new_columns_at_start_up()
    {
        var notes = await api.QueryAsync(session => session.Query<Note>().OrderBy(note => note.Id).ToListAsync());

        notes.Count.ShouldBe(2);
        foreach (var note in notes)
        {
            (await api.QueryAsync(session => session.NoteColumnsAsync(note.Id))).ShouldBe((true, true, true), note.Text);
        }
    }

    [Fact]
    public async Task Should_filter_and_sort_existing_notes_by_their_new_columns()
    {
        var completed = await api.QueryAsync(session => session.Query<Note>().Where(note => note.Completed).ToListAsync());
        var byUpdate = await api.QueryAsync(session => session.Query<Note>().OrderByDescending(note => note.UpdatedAt).ToListAsync());

        completed.Select(note => note.Text).ShouldBe(["from before"]);
        byUpdate.Select(note => note.Text).ShouldBe(["from before", "also from before"]);
    }
}
