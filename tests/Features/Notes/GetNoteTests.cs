using Notes.Features.Notes;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Features.Notes;

public sealed class GetNoteTests(NotesApi api) : IClassFixture<NotesApi>
{
    [Fact]
    public async Task Should_return_the_stored_note()
    {
        var created = await api.SendAsync(new CreateNote.Command("Water the plants", Completed: true));

        var note = await api.SendAsync(new GetNote.Query(created.Id));

        note.ShouldNotBeNull();
        note.Id.ShouldBe(created.Id);
        note.Text.ShouldBe("Water the plants");
        note.Completed.ShouldBeTrue();
        note.CreatedAt.ShouldBe(created.CreatedAt);
        note.Version.ShouldBe(1);
    }

    [Fact]
    public async Task Should_return_nothing_for_an_unknown_id()
    {
        var note = await api.SendAsync(new GetNote.Query(987_654));

        note.ShouldBeNull();
    }
}
