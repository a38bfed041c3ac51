using JasperFx;
using Marten;
using Notes.Features.Notes;
using Notes.Infrastructure.Auth;
using Weasel.Core;

namespace Notes.Tests.Infrastructure;

/// <summary>A database made before completed, createdAt and updatedAt became columns, and before owners, is migrated at start-up.</summary>
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
            for (var i = 0; i < 5; i++)
            {
                // same instant, to the tick: only the id tells them apart in a createdAt order
                session.Insert(new Note { Text = $"twin {i}", Completed = false, CreatedAt = Created.AddSeconds(1), UpdatedAt = Created });
            }

            await session.SaveChangesAsync();
        }
    }

    [Fact]
    public async Task Should_give_existing_notes_their_new_columns_at_start_up()
    {
        var notes = await api.QueryAsync(session => session.Query<Note>().OrderBy(note => note.Id).ToListAsync());

        notes.Count.ShouldBe(7);
        foreach (var note in notes)
        {
            (await api.QueryAsync(session => session.NoteColumnsAsync(note.Id))).ShouldBe((true, true, true), note.Text);
        }
    }

    [Fact]
    public async Task Should_keep_notes_from_before_owners_with_the_open_modes_owner()
    {
        var page = await api.SendAsync(new ListNotes.Query());
        var someoneElses = await api.SendAsync(new ListNotes.Query(), owner: "alice");

        page.Notes.Count.ShouldBe(7);
        someoneElses.Notes.ShouldBeEmpty();
        (await api.SqlAsync($"select count(*) from {api.Table.Name} where {api.Table.Owner} = '{Caller.OpenModeOwner}'")).ShouldBe(7L);
    }

    [Fact]
    public async Task Should_filter_and_sort_existing_notes_by_their_new_columns()
    {
        var completed = await api.QueryAsync(session => session.Query<Note>().Where(note => note.Completed).ToListAsync());
        var byUpdate = await api.QueryAsync(session => session.Query<Note>().OrderByDescending(note => note.UpdatedAt).ToListAsync());

        completed.Select(note => note.Text).ShouldBe(["from before"]);
        byUpdate[0].Text.ShouldBe("from before");
    }

    [Theory]
    [InlineData("createdAt")]
    [InlineData("-createdAt")]
    [InlineData("updatedAt")]
    [InlineData("-updatedAt")]
    public async Task Should_page_by_cursor_through_notes_stamped_to_the_tick_each_exactly_once(string sort)
    {
        var seen = new List<long>();
        string? after = null;
        do
        {
            var page = await api.SendAsync(new ListNotes.Query(Take: 1, Sort: sort, After: after));
            seen.AddRange(page.Notes.Select(note => note.Id));
            after = page.Next;
        }
        while (after is not null);

        seen.Count.ShouldBe(7);
        seen.Distinct().Count().ShouldBe(7);
    }
}
