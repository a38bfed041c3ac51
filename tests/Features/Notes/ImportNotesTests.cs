using FluentValidation;
using Marten;
using Notes.Features.Notes;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Features.Notes;

public sealed class ImportNotesTests(NotesApi api) : IClassFixture<NotesApi>
{
    [Fact]
    public async Task Should_store_every_note_with_consecutive_ids_in_the_order_sent()
    {
        var result = await api.SendAsync(new ImportNotes.Command([new("first"), new("second", Completed: true), new("third")]));

        result.Imported.ShouldBe(3);
        result.LastId.ShouldBe(result.FirstId + 2);
        var stored = await api.QueryAsync(session => session.Query<Note>().Where(note => note.Id >= result.FirstId!.Value && note.Id <= result.LastId!.Value).OrderBy(note => note.Id).ToListAsync());
        stored.Select(note => (note.Text, note.Completed, note.Version)).ShouldBe([("first", false, 1), ("second", true, 1), ("third", false, 1)]);
        stored.ShouldAllBe(note => note.CreatedAt == note.UpdatedAt);
        (await api.QueryAsync(session => session.NoteColumnsAsync(result.FirstId!.Value))).ShouldBe((true, true, true));
    }

    [Fact]
    public async Task Should_answer_an_empty_import_with_nothing_imported()
    {
        var result = await api.SendAsync(new ImportNotes.Command([]));

        result.ShouldBe(new ImportNotes.Result(0, null, null));
    }

    [Fact]
    public async Task Should_store_nothing_when_one_note_of_a_thousand_breaks_a_rule_and_say_which()
    {
        var before = await Count();
        var notes = Enumerable.Range(0, 1000).Select(i => new ImportNotes.Item(i == 617 ? new string('x', 101) : $"imported {i}")).ToList();

        var failure = await Should.ThrowAsync<ValidationException>(() => api.SendAsync(new ImportNotes.Command(notes)));

        failure.Errors.ShouldHaveSingleItem().PropertyName.ShouldBe("[617].Text");
        (await Count()).ShouldBe(before);
    }

    [Fact]
    public async Task Should_refuse_a_missing_note_in_the_array()
    {
        var failure = await Should.ThrowAsync<ValidationException>(() => api.SendAsync(new ImportNotes.Command([new("fine"), null])));

        failure.Errors.ShouldHaveSingleItem().PropertyName.ShouldBe("[1]");
    }

    [Fact]
    public async Task Should_refuse_more_than_100000_notes_at_once()
    {
        var notes = Enumerable.Repeat(new ImportNotes.Item("many"), ImportNotes.MaxNotes + 1).ToList();

        var failure = await Should.ThrowAsync<ValidationException>(() => api.SendAsync(new ImportNotes.Command(notes)));

        failure.Errors.ShouldHaveSingleItem().ErrorMessage.ShouldContain("at most 100000 notes");
    }

    [Fact]
    public async Task Should_take_ids_no_concurrent_create_takes_from()
    {
        var import = api.SendAsync(new ImportNotes.Command(Enumerable.Range(0, 2500).Select(i => new ImportNotes.Item($"bulk {i}")).ToList()));
        var creates = Task.WhenAll(Enumerable.Range(0, 200).Select(i => api.SendAsync(new CreateNote.Command($"single {i}"))));

        var result = await import;
        var singles = await creates;

        singles.ShouldAllBe(note => note.Id < result.FirstId || note.Id > result.LastId);
        var range = await api.QueryAsync(session => session.Query<Note>().Where(note => note.Id >= result.FirstId!.Value && note.Id <= result.LastId!.Value).ToListAsync());
        range.Count.ShouldBe(2500);
        range.ShouldAllBe(note => note.Text.StartsWith("bulk "));
    }

    private Task<int> Count() => api.QueryAsync(session => session.Query<Note>().CountAsync());
}
