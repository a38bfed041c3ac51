using Microsoft.Extensions.DependencyInjection;
using Notes.Features.Notes;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Features.Notes;

/// <summary>
/// A deleted note goes to its owner's trash: out of every read and write but the trash's own, listed most recently
/// deleted first, brought back with the same id in a new revision, deleted for good one by one, all at once, or by
/// the purge once it has been there longer than the retention.
/// </summary>
public sealed class TrashTests(NotesApi api) : IClassFixture<NotesApi>
{
    [Fact]
    public async Task Should_put_a_deleted_note_in_the_trash_with_when_it_was_deleted()
    {
        var owner = NewOwner();
        var note = await api.SendAsync(new CreateNote.Command("Thrown away"), owner);
        var before = DateTime.UtcNow.AddSeconds(-5);

        (await api.SendAsync(new DeleteNote.Command(note.Id), owner)).ShouldBeOfType<WriteOutcome.Deleted>();

        var trashed = (await api.SendAsync(new ListTrash.Query(), owner)).Notes.ShouldHaveSingleItem();
        trashed.Note.Id.ShouldBe(note.Id);
        trashed.Note.Text.ShouldBe("Thrown away");
        trashed.DeletedAt.ShouldBeGreaterThan(before);
        trashed.DeletedAt.Kind.ShouldBe(DateTimeKind.Utc);
    }

    [Fact]
    public async Task Should_keep_a_note_in_the_trash_out_of_every_read_and_write()
    {
        var owner = NewOwner();
        var note = await api.SendAsync(new CreateNote.Command("Out of sight"), owner);
        await api.SendAsync(new DeleteNote.Command(note.Id), owner);

        (await api.SendAsync(new GetNote.Query(note.Id), owner)).ShouldBeNull();
        (await api.SendAsync(new UpdateNote.Command(note.Id, "Back?", Completed: true), owner)).ShouldBeOfType<WriteOutcome.NotFound>();
        (await api.SendAsync(new UpdateNote.Command(note.Id, "Back?", Completed: true, IfMatch: [note.Version]), owner)).ShouldBeOfType<WriteOutcome.NotFound>();
        (await api.SendAsync(new PatchNote.Command(note.Id, new PatchNote.Body(default, new(true))), owner)).ShouldBeOfType<WriteOutcome.NotFound>();
        (await api.SendAsync(new DeleteNote.Command(note.Id), owner)).ShouldBeOfType<WriteOutcome.NotFound>();
        var page = await api.SendAsync(new ListNotes.Query(Count: ListNotes.Counting.Exact), owner);
        page.Notes.ShouldBeEmpty();
        page.Total.ShouldBe(new ListNotes.Total(0, Exact: true));
        (await api.SendAsync(new ListTrash.Query(), owner)).Notes.Single().Note.Text.ShouldBe("Out of sight");
    }

    [Fact]
    public async Task Should_list_the_trash_most_recently_deleted_first_in_pages_that_follow_each_other()
    {
        var owner = NewOwner();
        var notes = new List<StoredNote>();
        for (var i = 0; i < 5; i++)
        {
            var note = await api.SendAsync(new CreateNote.Command($"note {i}"), owner);
            await api.SendAsync(new DeleteNote.Command(note.Id), owner);
            notes.Add(note);
        }

        await api.SendAsync(new CreateNote.Command("not deleted"), owner);

        var first = await api.SendAsync(new ListTrash.Query(Take: 2), owner);
        var second = await api.SendAsync(new ListTrash.Query(Take: 2, After: first.Next), owner);
        var third = await api.SendAsync(new ListTrash.Query(Take: 2, After: second.Next), owner);

        first.Notes.Concat(second.Notes).Concat(third.Notes).Select(trashed => trashed.Note.Id)
            .ShouldBe(notes.Select(note => note.Id).Reverse());
        third.Next.ShouldBeNull();
        (await api.SendAsync(new ListTrash.Query(Skip: 4), owner)).Notes.Single().Note.Id.ShouldBe(notes[0].Id);
    }

    [Fact]
    public async Task Should_restore_a_note_with_its_id_text_and_times_in_a_new_revision()
    {
        var owner = NewOwner();
        var note = await api.SendAsync(new CreateNote.Command("Wanted after all 🗒️ naïve 中文 \u202e"), owner);
        await api.SendAsync(new DeleteNote.Command(note.Id), owner);

        var restored = (await api.SendAsync(new RestoreNote.Command(note.Id), owner)).ShouldNotBeNull();

        restored.Id.ShouldBe(note.Id);
        restored.Text.ShouldBe("Wanted after all 🗒️ naïve 中文 \u202e");
        restored.CreatedAt.ShouldBe(note.CreatedAt);
        restored.UpdatedAt.ShouldBe(note.UpdatedAt);
        restored.Version.ShouldBeGreaterThan(note.Version);
        (await api.SendAsync(new GetNote.Query(note.Id), owner)).ShouldNotBeNull().Version.ShouldBe(restored.Version);
        (await api.SendAsync(new ListTrash.Query(), owner)).Notes.ShouldBeEmpty();
        (await api.SendAsync(new UpdateNote.Command(note.Id, "Stale", Completed: true, IfMatch: [note.Version]), owner))
            .ShouldBeOfType<WriteOutcome.PreconditionFailed>();
    }

    [Fact]
    public async Task Should_restore_only_a_note_in_the_trash()
    {
        var owner = NewOwner();
        var kept = await api.SendAsync(new CreateNote.Command("Never deleted"), owner);

        (await api.SendAsync(new RestoreNote.Command(kept.Id), owner)).ShouldBeNull();
        (await api.SendAsync(new RestoreNote.Command(987_654_321), owner)).ShouldBeNull();
        (await api.SendAsync(new GetNote.Query(kept.Id), owner)).ShouldNotBeNull().Version.ShouldBe(kept.Version);
    }

    [Fact]
    public async Task Should_delete_a_note_in_the_trash_for_good_and_no_other()
    {
        var owner = NewOwner();
        var trashed = await api.SendAsync(new CreateNote.Command("Gone for good"), owner);
        var kept = await api.SendAsync(new CreateNote.Command("Not in the trash"), owner);
        await api.SendAsync(new DeleteNote.Command(trashed.Id), owner);

        (await api.SendAsync(new DeleteFromTrash.Command(kept.Id), owner)).ShouldBeFalse();
        (await api.SendAsync(new DeleteFromTrash.Command(trashed.Id), owner)).ShouldBeTrue();
        (await api.SendAsync(new DeleteFromTrash.Command(trashed.Id), owner)).ShouldBeFalse();

        (await api.SendAsync(new RestoreNote.Command(trashed.Id), owner)).ShouldBeNull();
        (await api.SendAsync(new GetNote.Query(kept.Id), owner)).ShouldNotBeNull();
        (await api.SendAsync(new ListTrash.Query(), owner)).Notes.ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_empty_the_trash_and_say_how_many_notes_it_deleted()
    {
        var owner = NewOwner();
        var kept = await api.SendAsync(new CreateNote.Command("Kept"), owner);
        for (var i = 0; i < 3; i++)
        {
            await api.SendAsync(new DeleteNote.Command((await api.SendAsync(new CreateNote.Command($"trash {i}"), owner)).Id), owner);
        }

        (await api.SendAsync(new EmptyTrash.Command(), owner)).ShouldBe(3);
        (await api.SendAsync(new EmptyTrash.Command(), owner)).ShouldBe(0);

        (await api.SendAsync(new ListTrash.Query(), owner)).Notes.ShouldBeEmpty();
        (await api.SendAsync(new ListNotes.Query(), owner)).Notes.Select(note => note.Id).ShouldBe([kept.Id]);
    }

    [Fact]
    public async Task Should_keep_each_owners_trash_to_its_owner()
    {
        var (alice, bob) = (NewOwner(), NewOwner());
        var note = await api.SendAsync(new CreateNote.Command("alice's"), alice);
        await api.SendAsync(new DeleteNote.Command(note.Id), alice);

        (await api.SendAsync(new ListTrash.Query(), bob)).Notes.ShouldBeEmpty();
        (await api.SendAsync(new RestoreNote.Command(note.Id), bob)).ShouldBeNull();
        (await api.SendAsync(new DeleteFromTrash.Command(note.Id), bob)).ShouldBeFalse();
        (await api.SendAsync(new EmptyTrash.Command(), bob)).ShouldBe(0);

        (await api.SendAsync(new ListTrash.Query(), alice)).Notes.Single().Note.Id.ShouldBe(note.Id);
    }

    [Fact]
    public async Task Should_let_exactly_one_of_concurrent_restores_and_deletes_for_good_of_a_note_succeed()
    {
        var owner = NewOwner();
        for (var trial = 0; trial < 10; trial++)
        {
            var note = await api.SendAsync(new CreateNote.Command($"raced {trial}"), owner);
            await api.SendAsync(new DeleteNote.Command(note.Id), owner);

            var restores = Enumerable.Range(0, 4).Select(async _ => await api.SendAsync(new RestoreNote.Command(note.Id), owner) is not null);
            var deletes = Enumerable.Range(0, 4).Select(_ => api.SendAsync(new DeleteFromTrash.Command(note.Id), owner));
            var outcomes = await Task.WhenAll(restores.Concat(deletes));

            outcomes.Count(succeeded => succeeded).ShouldBe(1, $"trial {trial}");
            var restored = outcomes.Take(4).Any(succeeded => succeeded);
            ((await api.SendAsync(new GetNote.Query(note.Id), owner)) is not null).ShouldBe(restored, $"trial {trial}");
        }
    }

    [Fact]
    public async Task Should_purge_the_notes_in_the_trash_for_longer_than_the_retention()
    {
        var owner = NewOwner();
        var old = await api.SendAsync(new CreateNote.Command("deleted long ago"), owner);
        var recent = await api.SendAsync(new CreateNote.Command("deleted today"), owner);
        await api.SendAsync(new DeleteNote.Command(old.Id), owner);
        await api.SendAsync(new DeleteNote.Command(recent.Id), owner);
        await api.SqlAsync($"update {api.Table.Name} set {api.Table.TrashedAt} = {api.Table.TrashedAt} - interval '31 days' where {api.Table.Id} = {old.Id}");

        (await api.Services.GetRequiredService<ExpiredPurge>().PurgeAsync(CancellationToken.None)).ShouldNotBeNull().Notes.ShouldBeGreaterThanOrEqualTo(1);

        (await api.SendAsync(new ListTrash.Query(), owner)).Notes.Select(trashed => trashed.Note.Id).ShouldBe([recent.Id]);
        (await api.SendAsync(new RestoreNote.Command(old.Id), owner)).ShouldBeNull();
    }

    [Fact]
    public async Task Should_show_a_note_in_the_trash_as_a_tombstone_in_the_changes_and_its_restore_as_a_change()
    {
        var owner = NewOwner();
        var start = await api.SendAsync(new GetChanges.Query("now"), owner);
        var note = await api.SendAsync(new CreateNote.Command("comes and goes"), owner);
        await api.SendAsync(new DeleteNote.Command(note.Id), owner);

        var deleted = await ChangesAsync(start.LastSeq, owner);
        deleted.Changes.Single().Deleted.ShouldBeTrue();

        await api.SendAsync(new RestoreNote.Command(note.Id), owner);
        var restored = await ChangesAsync(deleted.LastSeq, owner);
        restored.Changes.Single().Deleted.ShouldBeFalse();
        restored.Changes.Single().Id.ShouldBe(note.Id);
    }

    /// <summary>The changes after <paramref name="since"/>, waited for by long poll (a change shows once every older transaction has ended).</summary>
    private Task<GetChanges.Page> ChangesAsync(string since, string owner) =>
        api.SendAsync(new GetChanges.Query(since, LongPoll: true, TimeoutMilliseconds: 10_000), owner);

    private static string NewOwner() => $"trash-{Guid.NewGuid():N}";
}
