using FluentValidation;
using Marten;
using Notes.Features.Notes;
using Notes.Infrastructure.Errors;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Features.Notes;

public sealed class ImportNotesTests(NotesApi api) : IClassFixture<NotesApi>
{
    [Fact]
    public async Task Should_store_every_note_with_ids_increasing_in_the_order_sent()
    {
        var result = await Import([new("first"), new("second", Completed: true), new("third")]);

        result.Imported.ShouldBe(3);
        var stored = await api.QueryAsync(session => session.Query<Note>().Where(note => note.Id >= result.FirstId!.Value && note.Id <= result.LastId!.Value).OrderBy(note => note.Id).ToListAsync());
        stored.Select(note => (note.Text, note.Completed, note.Version)).ShouldBe([("first", false, 1), ("second", true, 1), ("third", false, 1)]);
        stored[0].Id.ShouldBe(result.FirstId!.Value);
        stored[^1].Id.ShouldBe(result.LastId!.Value);
        stored.ShouldAllBe(note => note.CreatedAt == note.UpdatedAt);
        (await api.QueryAsync(session => session.NoteColumnsAsync(result.FirstId!.Value))).ShouldBe((true, true, true));
    }

    [Fact]
    public async Task Should_answer_an_empty_import_with_nothing_imported()
    {
        var result = await Import([]);

        result.ShouldBe(new ImportNotes.Result(0, null, null));
    }

    [Fact]
    public async Task Should_store_nothing_when_one_note_of_a_thousand_breaks_a_rule_and_say_which()
    {
        var before = await Count();
        var notes = Enumerable.Range(0, 2500).Select(i => new ImportNotes.Item(i == 2317 ? new string('x', 101) : $"imported {i}")).ToList();

        var failure = await Should.ThrowAsync<ValidationException>(() => Import(notes));

        failure.Errors.ShouldHaveSingleItem().PropertyName.ShouldBe("[2317].Text");
        (await Count()).ShouldBe(before);
    }

    [Fact]
    public async Task Should_refuse_a_missing_note_in_the_array()
    {
        var failure = await Should.ThrowAsync<ValidationException>(() => Import([new("fine"), null]));

        failure.Errors.ShouldHaveSingleItem().PropertyName.ShouldBe("[1]");
    }

    [Fact]
    public async Task Should_list_the_first_100_errors_and_count_them_all()
    {
        var notes = Enumerable.Range(0, 250).Select(i => new ImportNotes.Item(i % 2 == 0 ? " " : "fine")).ToList();

        var failure = await Should.ThrowAsync<CountedValidationException>(() => Import(notes));

        failure.Errors.Count().ShouldBe(ImportNotes.MaxErrors);
        failure.Errors.First().PropertyName.ShouldBe("[0].Text");
        failure.Errors.Last().PropertyName.ShouldBe("[198].Text");
        failure.ErrorCount.ShouldBe(125);
    }

    [Fact]
    public async Task Should_stop_reading_at_the_100001st_note_and_store_none()
    {
        var before = await Count();
        var read = 0;
        async IAsyncEnumerable<ImportNotes.Item?> Endless()
        {
            while (true)
            {
                read++;
                yield return new ImportNotes.Item("many");
                await Task.CompletedTask;
            }
        }

        var failure = await Should.ThrowAsync<RequestTooLargeException>(() => api.SendAsync(new ImportNotes.Command(Endless())));

        failure.Message.ShouldContain("at most 100000 notes");
        read.ShouldBe(ImportNotes.MaxNotes + 1);
        (await Count()).ShouldBe(before);
    }

    [Fact]
    public async Task Should_take_an_imports_ids_from_the_block_creates_take_from_and_none_beyond()
    {
        var before = await api.SendAsync(new CreateNote.Command("before the import"));

        var result = await Import([new("imported alone")]);
        var after = await api.SendAsync(new CreateNote.Command("after the import"));

        result.FirstId.ShouldBe(before.Id + 1);
        after.Id.ShouldBe(before.Id + 2);
    }

    [Fact]
    public async Task Should_take_no_ids_for_notes_a_rejected_import_never_stores()
    {
        var before = await api.SendAsync(new CreateNote.Command("before the import"));

        await Should.ThrowAsync<ValidationException>(() => Import([new(" "), .. Enumerable.Range(0, 1500).Select(i => new ImportNotes.Item($"never stored {i}"))]));
        var after = await api.SendAsync(new CreateNote.Command("after the import"));

        after.Id.ShouldBe(before.Id + 1);
    }

    [Fact]
    public async Task Should_take_ids_no_concurrent_create_takes()
    {
        var import = Import(Enumerable.Range(0, 2500).Select(i => new ImportNotes.Item($"bulk {i}")).ToList());
        var creates = Task.WhenAll(Enumerable.Range(0, 200).Select(i => api.SendAsync(new CreateNote.Command($"single {i}"))));

        var result = await import;
        var singles = await creates;

        var imported = await api.QueryAsync(session => session.Query<Note>().Where(note => note.Text.StartsWith("bulk ")).ToListAsync());
        imported.Count.ShouldBe(2500);
        imported.Min(note => note.Id).ShouldBe(result.FirstId!.Value);
        imported.Max(note => note.Id).ShouldBe(result.LastId!.Value);
        singles.Select(note => note.Id).Intersect(imported.Select(note => note.Id)).ShouldBeEmpty();
    }

    private Task<ImportNotes.Result> Import(IReadOnlyList<ImportNotes.Item?> notes) => api.SendAsync(new ImportNotes.Command(AsStream(notes)));

    private static async IAsyncEnumerable<ImportNotes.Item?> AsStream(IReadOnlyList<ImportNotes.Item?> notes)
    {
        foreach (var note in notes)
        {
            await Task.Yield();
            yield return note;
        }
    }

    private Task<int> Count() => api.QueryAsync(session => session.Query<Note>().CountAsync());
}
