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

        var outcome = await api.SendAsync(new DeleteNote.Command(note.Id));

        outcome.ShouldBeOfType<WriteOutcome.Deleted>();
        (await api.SendAsync(new GetNote.Query(note.Id))).ShouldBeNull();
        (await api.SendAsync(new GetNote.Query(kept.Id))).ShouldNotBeNull();
    }

    [Fact]
    public async Task Should_report_an_unknown_id()
    {
        var outcome = await api.SendAsync(new DeleteNote.Command(987_654));

        outcome.ShouldBeOfType<WriteOutcome.NotFound>();
    }

    [Fact]
    public async Task Should_report_a_note_deleted_twice_as_unknown_the_second_time()
    {
        var note = await api.SendAsync(new CreateNote.Command("Twice"));

        (await api.SendAsync(new DeleteNote.Command(note.Id))).ShouldBeOfType<WriteOutcome.Deleted>();
        (await api.SendAsync(new DeleteNote.Command(note.Id))).ShouldBeOfType<WriteOutcome.NotFound>();
    }

    [Fact]
    public async Task Should_let_exactly_one_of_many_concurrent_deletes_of_a_note_succeed()
    {
        for (var trial = 0; trial < 20; trial++)
        {
            var note = await api.SendAsync(new CreateNote.Command($"raced {trial}"));

            var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => api.SendAsync(new DeleteNote.Command(note.Id))));

            outcomes.Count(outcome => outcome is WriteOutcome.Deleted).ShouldBe(1, $"trial {trial}");
            outcomes.Count(outcome => outcome is WriteOutcome.NotFound).ShouldBe(7, $"trial {trial}");
        }
    }

    [Fact]
    public async Task Should_keep_a_note_whose_revision_is_not_the_one_if_match_names()
    {
        var note = await api.SendAsync(new CreateNote.Command("Changed since"));
        await api.SendAsync(new UpdateNote.Command(note.Id, "Changed", Completed: false));

        var outcome = await api.SendAsync(new DeleteNote.Command(note.Id, IfMatch: [note.Version]));

        outcome.ShouldBeOfType<WriteOutcome.PreconditionFailed>();
        (await api.SendAsync(new GetNote.Query(note.Id))).ShouldNotBeNull().Text.ShouldBe("Changed");
    }

    [Fact]
    public async Task Should_delete_a_note_whose_revision_if_match_names()
    {
        var note = await api.SendAsync(new CreateNote.Command("Current"));

        var outcome = await api.SendAsync(new DeleteNote.Command(note.Id, IfMatch: [note.Version]));

        outcome.ShouldBeOfType<WriteOutcome.Deleted>();
        (await api.SendAsync(new GetNote.Query(note.Id))).ShouldBeNull();
    }
}
