using Microsoft.Extensions.DependencyInjection;
using Notes.Features.Notes;
using Notes.Infrastructure.Errors;
using Notes.Tests.Infrastructure;
using Npgsql;

namespace Notes.Tests.Features.Notes;

/// <summary>
/// Each test is one owner's, so that the feeds of the tests in this class do not meet. A read that expects changes
/// waits for them (a long poll): a transaction running anywhere on the server, another test's too, holds the feed
/// back until it ends.
/// </summary>
public sealed class GetChangesTests(NotesApi api) : IClassFixture<NotesApi>
{
    private const int Patience = 20_000;

    [Fact]
    public async Task Should_give_each_changed_note_once_in_its_latest_state_and_deletions_as_tombstones()
    {
        var owner = NewOwner();
        var kept = await api.SendAsync(new CreateNote.Command("first text"), owner);
        var deleted = await api.SendAsync(new CreateNote.Command("going away"), owner);
        await api.SendAsync(new UpdateNote.Command(kept.Id, "latest text", true), owner);
        await api.SendAsync(new DeleteNote.Command(deleted.Id), owner);

        var page = await ChangesAsync("0", owner, expected: 2);

        page.Changes.Select(change => change.Id).ShouldBe([kept.Id, deleted.Id], ignoreOrder: true);
        var latest = page.Changes.Single(change => change.Id == kept.Id).Note.ShouldNotBeNull();
        (latest.Text, latest.Completed, latest.Version).ShouldBe(("latest text", true, 2));
        page.Changes.Single(change => change.Id == deleted.Id).Deleted.ShouldBeTrue();
        (await api.SendAsync(new GetChanges.Query(page.LastSeq), owner)).Changes.ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_give_nothing_more_after_the_last_position_until_something_changes()
    {
        var owner = NewOwner();
        await api.SendAsync(new CreateNote.Command("seen"), owner);
        var first = await ChangesAsync("0", owner, expected: 1);

        var none = await api.SendAsync(new GetChanges.Query(first.LastSeq), owner);
        var changed = await api.SendAsync(new PatchNote.Command(first.Changes[0].Id, new PatchNote.Body(new("seen again"), default)), owner);
        var next = await ChangesAsync(none.LastSeq, owner, expected: 1);

        none.Changes.ShouldBeEmpty();
        next.Changes.Single().Note!.Text.ShouldBe("seen again");
        changed.ShouldBeOfType<WriteOutcome.Written>();
    }

    [Fact]
    public async Task Should_start_from_the_present_with_since_now()
    {
        var owner = NewOwner();
        await api.SendAsync(new CreateNote.Command("before"), owner);

        var now = await api.SendAsync(new GetChanges.Query("now"), owner);
        var after = await api.SendAsync(new CreateNote.Command("after"), owner);
        var next = await ChangesAsync(now.LastSeq, owner, expected: 1);

        now.Changes.ShouldBeEmpty();
        next.Changes.Select(change => change.Id).ShouldBe([after.Id]);
    }

    [Fact]
    public async Task Should_page_through_every_change_with_a_limit()
    {
        var owner = NewOwner();
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await api.SendAsync(new CreateNote.Command($"note {i}"), owner)).Id);
        }

        var seen = new List<long>();
        var since = "0";
        while (seen.Count < ids.Count)
        {
            var page = await api.SendAsync(new GetChanges.Query(since, Limit: 2, LongPoll: true, TimeoutMilliseconds: Patience), owner);
            page.Changes.Count.ShouldBeInRange(1, 2);
            seen.AddRange(page.Changes.Select(change => change.Id));
            since = page.LastSeq;
        }

        seen.ShouldBe(ids);
        (await api.SendAsync(new GetChanges.Query(since), owner)).Changes.ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_hold_back_a_later_commit_while_an_earlier_transaction_is_still_running()
    {
        var owner = NewOwner();
        var start = await api.SendAsync(new GetChanges.Query("now"), owner);
        await using var earlier = await api.OpenConnectionAsync(owner);
        await using var transaction = await earlier.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand(
            $"insert into {api.Table.Name} ({api.Table.Id}, {api.Table.Data}, {api.Table.Version}, {api.Table.DotNetType}, {api.Table.Owner}) "
            + $"values (4242424, '{{\"id\":4242424,\"text\":\"slow writer\",\"completed\":false}}', 1, '{api.Table.DotNetTypeName}', '{owner}')",
            earlier,
            transaction))
        {
            await insert.ExecuteNonQueryAsync();
        }

        var later = await api.SendAsync(new CreateNote.Command("committed first"), owner);
        var whileRunning = await api.SendAsync(new GetChanges.Query(start.LastSeq), owner);
        await transaction.CommitAsync();
        var afterwards = await ChangesAsync(whileRunning.LastSeq, owner, expected: 2);

        whileRunning.Changes.ShouldBeEmpty();
        afterwards.Changes.Select(change => change.Id).ShouldBe([4242424, later.Id], ignoreOrder: true);
    }

    [Fact]
    public async Task Should_show_an_owner_their_own_changes_alone()
    {
        var (alice, bob) = (NewOwner(), NewOwner());
        var alices = await api.SendAsync(new CreateNote.Command("alice's"), alice);
        var bobs = await api.SendAsync(new CreateNote.Command("bob's"), bob);
        await api.SendAsync(new DeleteNote.Command(bobs.Id), bob);

        (await ChangesAsync("0", alice, expected: 1)).Changes.Select(change => change.Id).ShouldBe([alices.Id]);
        (await ChangesAsync("0", bob, expected: 1)).Changes.Select(change => change.Id).ShouldBe([bobs.Id]);
    }

    [Fact]
    public async Task Should_refuse_a_position_older_than_the_tombstones_kept_and_serve_a_fresh_start()
    {
        var owner = NewOwner();
        var start = await api.SendAsync(new GetChanges.Query("now"), owner);
        var gone = await api.SendAsync(new CreateNote.Command("deleted long ago"), owner);
        var kept = await api.SendAsync(new CreateNote.Command("still here"), owner);
        await api.SendAsync(new DeleteNote.Command(gone.Id), owner);
        await PurgeTombstoneAsync(gone.Id);

        var refused = await Should.ThrowAsync<GoneException>(api.SendAsync(new GetChanges.Query(start.LastSeq), owner));
        refused.Message.ShouldContain("start over");
        (await ChangesAsync("0", owner, expected: 1)).Changes.Select(change => change.Id).ShouldBe([kept.Id]);
    }

    [Fact]
    public async Task Should_answer_a_fresh_start_with_a_position_past_the_tombstones_purged_while_an_older_transaction_runs()
    {
        var owner = NewOwner();
        var gone = await api.SendAsync(new CreateNote.Command("deleted long ago"), owner);
        await using var older = await api.OpenConnectionAsync(owner);
        await using var transaction = await older.BeginTransactionAsync();
        await using (var holdBack = new NpgsqlCommand("select pg_current_xact_id()", older, transaction))
        {
            await holdBack.ExecuteScalarAsync();
        }

        await api.SendAsync(new DeleteNote.Command(gone.Id), owner);
        await PurgeTombstoneAsync(gone.Id);

        var fresh = await api.SendAsync(new GetChanges.Query("0"), owner);
        var next = await api.SendAsync(new GetChanges.Query(fresh.LastSeq), owner);

        fresh.Changes.ShouldBeEmpty();
        next.Changes.ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_give_each_of_many_waiters_woken_by_one_commit_the_changes_after_its_own_position()
    {
        var owner = NewOwner();
        var start = await api.SendAsync(new GetChanges.Query("now"), owner);
        var first = await api.SendAsync(new CreateNote.Command("before the waiters"), owner);
        var seen = await ChangesAsync(start.LastSeq, owner, expected: 1);

        // interleaved, so that waiters after the first change join reads from before it, which they must filter
        var (behind, current) = (new List<Task<GetChanges.Page>>(), new List<Task<GetChanges.Page>>());
        for (var i = 0; i < 20; i++)
        {
            behind.Add(api.SendAsync(new GetChanges.Query(start.LastSeq, LongPoll: true, TimeoutMilliseconds: 10_000), owner));
            current.Add(api.SendAsync(new GetChanges.Query(seen.LastSeq, LongPoll: true, TimeoutMilliseconds: 10_000), owner));
        }

        await Task.Delay(200);
        var second = await api.SendAsync(new CreateNote.Command("waking them all"), owner);

        foreach (var page in await Task.WhenAll(behind))
        {
            page.Changes[0].Id.ShouldBe(first.Id);
            page.Changes.Select(change => change.Id).ShouldBeSubsetOf([first.Id, second.Id]);
        }

        foreach (var page in await Task.WhenAll(current))
        {
            page.Changes.Select(change => change.Id).ShouldBe([second.Id]);
        }
    }

    /// <summary>The changes after <paramref name="since"/>, read until <paramref name="expected"/> came (or the patience ran out).</summary>
    private async Task<GetChanges.Page> ChangesAsync(string since, string owner, int expected)
    {
        var changes = new List<GetChanges.Change>();
        var deadline = DateTime.UtcNow.AddMilliseconds(Patience);
        while (true)
        {
            var page = await api.SendAsync(new GetChanges.Query(since, LongPoll: true, TimeoutMilliseconds: Patience), owner);
            changes.AddRange(page.Changes);
            since = page.LastSeq;
            if (changes.Count >= expected || DateTime.UtcNow > deadline)
            {
                return new GetChanges.Page(changes, since);
            }
        }
    }

    /// <summary>Ages the tombstone of note <paramref name="id"/> past the days the feed keeps one, then purges it.</summary>
    private async Task PurgeTombstoneAsync(long id)
    {
        await api.SqlAsync($"update {new NoteFeed(api.Table).Table} set changed_at = changed_at - interval '31 days' where id = {id}");
        (await api.Services.GetRequiredService<ExpiredPurge>().PurgeAsync(CancellationToken.None)).ShouldNotBeNull().Tombstones.ShouldBeGreaterThanOrEqualTo(1);
    }

    private static string NewOwner() => $"owner-{Guid.NewGuid():N}";
}
