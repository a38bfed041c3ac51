using Notes.Features.Notes;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Features.Notes;

public sealed class DeleteNoteTests(NotesApi api) : IClassFixture<NotesApi>
{
    [Fact]
    public async Task Should_delete_the_note()
    {
        var note = await api.SendAsync(new CreateNote.Command("Temporary"));
        var kept = await api.SendAsync(new CreateNote.Command("Kept"));

        var deleted = await api.SendAsync(new DeleteNote.Command(note.Id));

        deleted.ShouldBeTrue();
        (await api.SendAsync(new GetNote.Query(note.Id))).ShouldBeNull();
        (await api.SendAsync(new GetNote.Query(kept.Id))).ShouldNotBeNull();
    }

    [Fact]
    public async Task Should_report_an_unknown_id()
    {
        var deleted = await api.SendAsync(new DeleteNote.Command(987_654));

        deleted.ShouldBeFalse();
    }

    [Fact]
    public async Task Should_report_a_note_deleted_twice_as_unknown_the_second_time()
    {
        var note = await api.SendAsync(new CreateNote.Command("Twice"));

        (await api.SendAsync(new DeleteNote.Command(note.Id))).ShouldBeTrue();
        (await api.SendAsync(new DeleteNote.Command(note.Id))).ShouldBeFalse();
    }
}
