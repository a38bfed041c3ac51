using FluentValidation;
using Marten;
using Notes.Features.Notes;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Features.Notes;

public sealed class CreateNoteTests(NotesApi api) : IClassFixture<NotesApi>
{
    [Fact]
    public async Task Should_store_the_note_and_return_it_with_its_id()
    {
        var before = DateTime.UtcNow;

        var note = await api.SendAsync(new CreateNote.Command("Buy milk", Completed: true));

        note.Id.ShouldBeGreaterThan(0);
        note.Text.ShouldBe("Buy milk");
        note.Completed.ShouldBeTrue();
        note.CreatedAt.ShouldBeInRange(before, DateTime.UtcNow);
        note.UpdatedAt.ShouldBe(note.CreatedAt);
        note.Version.ShouldBe(1);

        var stored = await api.QueryAsync(session => session.LoadAsync<Note>(note.Id));
        stored.ShouldNotBeNull();
        stored.Text.ShouldBe("Buy milk");
        stored.Completed.ShouldBeTrue();
        stored.CreatedAt.ShouldBe(note.CreatedAt);
    }

    [Fact]
    public async Task Should_leave_a_new_note_not_completed_when_completed_is_left_out()
    {
        var note = await api.SendAsync(new CreateNote.Command("Call Ann"));

        note.Completed.ShouldBeFalse();
    }

    [Fact]
    public async Task Should_give_each_note_a_new_increasing_id()
    {
        var first = await api.SendAsync(new CreateNote.Command("one"));
        var second = await api.SendAsync(new CreateNote.Command("two"));

        second.Id.ShouldBe(first.Id + 1);
    }

    [Fact]
    public async Task Should_accept_text_of_exactly_100_characters()
    {
        var note = await api.SendAsync(new CreateNote.Command(new string('a', 100)));

        note.Text.Length.ShouldBe(100);
    }

    [Fact]
    public async Task Should_reject_text_over_100_characters()
    {
        var text = new string('a', 101);

        var failure = await Should.ThrowAsync<ValidationException>(() => api.SendAsync(new CreateNote.Command(text)));

        failure.Errors.ShouldHaveSingleItem().PropertyName.ShouldBe("Text");
        (await StoredWithText(text)).ShouldBe(0);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\n")]
    public async Task Should_reject_blank_text(string text)
    {
        var failure = await Should.ThrowAsync<ValidationException>(() => api.SendAsync(new CreateNote.Command(text)));

        failure.Errors.ShouldHaveSingleItem().ErrorMessage.ShouldBe("'text' must not be blank.");
        (await StoredWithText(text)).ShouldBe(0);
    }

    [Fact]
    public async Task Should_reject_a_note_without_text()
    {
        var failure = await Should.ThrowAsync<ValidationException>(() => api.SendAsync(new CreateNote.Command(Text: null!)));

        failure.Errors.ShouldHaveSingleItem().ErrorMessage.ShouldBe("'text' is required.");
    }

    private Task<int> StoredWithText(string text) =>
        api.QueryAsync(session => session.Query<Note>().CountAsync(note => note.Text == text));
}
