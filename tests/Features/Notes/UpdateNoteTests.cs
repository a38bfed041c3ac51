using FluentValidation;
using Notes.Features.Notes;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Features.Notes;

public sealed class UpdateNoteTests(NotesApi api) : IClassFixture<NotesApi>
{
    [Fact]
    public async Task Should_replace_text_and_completed_and_keep_the_creation_time()
    {
        var created = await api.SendAsync(new CreateNote.Command("Draft"));

        var outcome = await api.SendAsync(new UpdateNote.Command(created.Id, "Final", Completed: true));

        var updated = outcome.ShouldBeOfType<UpdateNote.Outcome.Updated>().Note;
        updated.Text.ShouldBe("Final");
        updated.Completed.ShouldBeTrue();
        updated.CreatedAt.ShouldBe(created.CreatedAt);
        updated.UpdatedAt.ShouldBeGreaterThan(created.UpdatedAt);
        updated.Version.ShouldBe(2);

        var stored = await api.SendAsync(new GetNote.Query(created.Id));
        stored.ShouldNotBeNull();
        stored.Text.ShouldBe("Final");
        stored.Completed.ShouldBeTrue();
        stored.Version.ShouldBe(2);
    }

    [Fact]
    public async Task Should_report_an_unknown_id()
    {
        var outcome = await api.SendAsync(new UpdateNote.Command(987_654, "Anything", Completed: false));

        outcome.ShouldBeOfType<UpdateNote.Outcome.NotFound>();
    }

    [Fact]
    public async Task Should_update_when_if_match_names_the_current_revision()
    {
        var created = await api.SendAsync(new CreateNote.Command("v1"));

        var outcome = await api.SendAsync(new UpdateNote.Command(created.Id, "v2", Completed: false, IfMatch: created.ETag()));

        outcome.ShouldBeOfType<UpdateNote.Outcome.Updated>().Note.Text.ShouldBe("v2");
    }

    [Fact]
    public async Task Should_update_when_if_match_is_a_wildcard()
    {
        var created = await api.SendAsync(new CreateNote.Command("v1"));

        var outcome = await api.SendAsync(new UpdateNote.Command(created.Id, "v2", Completed: false, IfMatch: "*"));

        outcome.ShouldBeOfType<UpdateNote.Outcome.Updated>();
    }

    [Fact]
    public async Task Should_refuse_an_update_of_a_revision_that_has_changed_since_it_was_read()
    {
        var created = await api.SendAsync(new CreateNote.Command("v1"));
        await api.SendAsync(new UpdateNote.Command(created.Id, "someone else's edit", Completed: true));

        var outcome = await api.SendAsync(new UpdateNote.Command(created.Id, "my stale edit", Completed: false, IfMatch: created.ETag()));

        outcome.ShouldBeOfType<UpdateNote.Outcome.VersionMismatch>();
        var stored = await api.SendAsync(new GetNote.Query(created.Id));
        stored.ShouldNotBeNull().Text.ShouldBe("someone else's edit");
    }

    [Fact]
    public async Task Should_let_the_last_of_many_concurrent_writers_win_without_if_match()
    {
        var created = await api.SendAsync(new CreateNote.Command("v1"));

        var outcomes = await Task.WhenAll(Enumerable.Range(1, 8).Select(writer =>
            api.SendAsync(new UpdateNote.Command(created.Id, $"writer {writer}", Completed: writer % 2 == 0))));

        outcomes.ShouldAllBe(outcome => outcome is UpdateNote.Outcome.Updated);
        var stored = await api.SendAsync(new GetNote.Query(created.Id));
        stored.ShouldNotBeNull().Version.ShouldBe(9);
        outcomes.Cast<UpdateNote.Outcome.Updated>().Select(updated => updated.Note.Text).ShouldContain(stored.Text);
    }

    [Fact]
    public async Task Should_reject_text_over_100_characters_and_keep_the_note()
    {
        var created = await api.SendAsync(new CreateNote.Command("Short"));

        var failure = await Should.ThrowAsync<ValidationException>(() =>
            api.SendAsync(new UpdateNote.Command(created.Id, new string('x', 101), Completed: false)));

        failure.Errors.ShouldHaveSingleItem().PropertyName.ShouldBe("Text");
        (await api.SendAsync(new GetNote.Query(created.Id))).ShouldNotBeNull().Text.ShouldBe("Short");
    }

    [Fact]
    public async Task Should_reject_blank_text()
    {
        var created = await api.SendAsync(new CreateNote.Command("Short"));

        var failure = await Should.ThrowAsync<ValidationException>(() =>
            api.SendAsync(new UpdateNote.Command(created.Id, " ", Completed: false)));

        failure.Errors.ShouldHaveSingleItem().ErrorMessage.ShouldBe("'text' must not be blank.");
    }

    [Fact]
    public async Task Should_reject_a_replacement_without_completed()
    {
        var created = await api.SendAsync(new CreateNote.Command("Short", Completed: true));

        var failure = await Should.ThrowAsync<ValidationException>(() =>
            api.SendAsync(new UpdateNote.Command(created.Id, "New text", Completed: null)));

        failure.Errors.ShouldHaveSingleItem().ErrorMessage.ShouldBe("'completed' is required.");
        (await api.SendAsync(new GetNote.Query(created.Id))).ShouldNotBeNull().Completed.ShouldBeTrue();
    }
}
