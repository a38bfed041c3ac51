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

        var updated = outcome.ShouldBeOfType<WriteOutcome.Written>().Note;
        updated.Text.ShouldBe("Final");
        updated.Completed.ShouldBeTrue();
        updated.CreatedAt.ShouldBe(created.CreatedAt);
        updated.UpdatedAt.ShouldBeGreaterThan(created.UpdatedAt);
        updated.Version.ShouldBe(2);

        var stored = await api.SendAsync(new GetNote.Query(created.Id));
        stored.ShouldNotBeNull();
        stored.Text.ShouldBe("Final");
        stored.Completed.ShouldBeTrue();
        stored.UpdatedAt.ShouldBe(updated.UpdatedAt);
        stored.Version.ShouldBe(2);
    }

    [Fact]
    public async Task Should_keep_the_columns_beside_the_json_in_step()
    {
        var created = await api.SendAsync(new CreateNote.Command("Columns"));

        await api.SendAsync(new UpdateNote.Command(created.Id, "Columns", Completed: true));

        var columns = await api.QueryAsync(session => session.NoteColumnsAsync(created.Id));
        columns.ShouldBe((true, true, true));
    }

    [Fact]
    public async Task Should_report_an_unknown_id()
    {
        var outcome = await api.SendAsync(new UpdateNote.Command(987_654, "Anything", Completed: false));

        outcome.ShouldBeOfType<WriteOutcome.NotFound>();
    }

    [Fact]
    public async Task Should_report_an_unknown_id_before_a_stale_if_match()
    {
        var outcome = await api.SendAsync(new UpdateNote.Command(987_654, "Anything", Completed: false, IfMatch: [1]));

        outcome.ShouldBeOfType<WriteOutcome.NotFound>();
    }

    [Fact]
    public async Task Should_refuse_to_replace_an_existing_note_when_if_none_match_is_a_wildcard()
    {
        var created = await api.SendAsync(new CreateNote.Command("Only if there is none"));

        var outcome = await api.SendAsync(new UpdateNote.Command(created.Id, "Overwritten", Completed: true, IfNoneMatchAny: true));

        outcome.ShouldBeOfType<WriteOutcome.PreconditionFailed>();
        var stored = (await api.SendAsync(new GetNote.Query(created.Id))).ShouldNotBeNull();
        stored.Text.ShouldBe("Only if there is none");
        stored.Version.ShouldBe(1);
    }

    [Fact]
    public async Task Should_report_an_unknown_id_when_if_none_match_is_a_wildcard()
    {
        var outcome = await api.SendAsync(new UpdateNote.Command(987_654, "Anything", Completed: false, IfNoneMatchAny: true));

        outcome.ShouldBeOfType<WriteOutcome.NotFound>();
    }

    [Fact]
    public async Task Should_update_when_if_match_names_the_current_revision()
    {
        var created = await api.SendAsync(new CreateNote.Command("v1"));

        var outcome = await api.SendAsync(new UpdateNote.Command(created.Id, "v2", Completed: false, IfMatch: [created.Version]));

        outcome.ShouldBeOfType<WriteOutcome.Written>().Note.Text.ShouldBe("v2");
    }

    [Fact]
    public async Task Should_update_when_any_revision_if_match_names_is_the_current_one()
    {
        var created = await api.SendAsync(new CreateNote.Command("v1"));
        await api.SendAsync(new UpdateNote.Command(created.Id, "v2", Completed: false));

        var outcome = await api.SendAsync(new UpdateNote.Command(created.Id, "v3", Completed: false, IfMatch: [9, 2, 1]));

        outcome.ShouldBeOfType<WriteOutcome.Written>().Note.Version.ShouldBe(3);
    }

    [Fact]
    public async Task Should_refuse_an_update_of_a_revision_that_has_changed_since_it_was_read()
    {
        var created = await api.SendAsync(new CreateNote.Command("v1"));
        await api.SendAsync(new UpdateNote.Command(created.Id, "someone else's edit", Completed: true));

        var outcome = await api.SendAsync(new UpdateNote.Command(created.Id, "my stale edit", Completed: false, IfMatch: [created.Version]));

        outcome.ShouldBeOfType<WriteOutcome.PreconditionFailed>();
        var stored = await api.SendAsync(new GetNote.Query(created.Id));
        stored.ShouldNotBeNull().Text.ShouldBe("someone else's edit");
    }

    [Fact]
    public async Task Should_let_every_one_of_many_concurrent_writers_without_if_match_succeed_and_the_last_win()
    {
        var created = await api.SendAsync(new CreateNote.Command("v1"));

        var outcomes = await Task.WhenAll(Enumerable.Range(1, 64).Select(writer =>
            api.SendAsync(new UpdateNote.Command(created.Id, $"writer {writer}", Completed: writer % 2 == 0))));

        outcomes.ShouldAllBe(outcome => outcome is WriteOutcome.Written);
        var written = outcomes.Cast<WriteOutcome.Written>().Select(outcome => outcome.Note).ToList();
        written.Select(note => note.Version).Order().ShouldBe(Enumerable.Range(2, 64));
        var stored = await api.SendAsync(new GetNote.Query(created.Id));
        stored.ShouldNotBeNull().Version.ShouldBe(65);
        stored.Text.ShouldBe(written.Single(note => note.Version == 65).Text);
    }

    [Fact]
    public async Task Should_let_exactly_one_of_many_concurrent_writers_with_the_same_if_match_win()
    {
        var created = await api.SendAsync(new CreateNote.Command("v1"));

        var outcomes = await Task.WhenAll(Enumerable.Range(1, 20).Select(writer =>
            api.SendAsync(new UpdateNote.Command(created.Id, $"writer {writer}", Completed: false, IfMatch: [created.Version]))));

        outcomes.Count(outcome => outcome is WriteOutcome.Written).ShouldBe(1);
        outcomes.Count(outcome => outcome is WriteOutcome.PreconditionFailed).ShouldBe(19);
    }

    [Fact]
    public async Task Should_never_bring_back_a_note_deleted_while_it_was_being_replaced()
    {
        for (var trial = 0; trial < 40; trial++)
        {
            var note = await api.SendAsync(new CreateNote.Command($"trial {trial}"));

            var update = api.SendAsync(new UpdateNote.Command(note.Id, "replacement", Completed: true));
            var delete = api.SendAsync(new DeleteNote.Command(note.Id));
            await Task.WhenAll(update, delete);

            (await delete).ShouldBeOfType<WriteOutcome.Deleted>();
            (await api.SendAsync(new GetNote.Query(note.Id))).ShouldBeNull($"trial {trial}: the deleted note came back after {await update}");
        }
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
