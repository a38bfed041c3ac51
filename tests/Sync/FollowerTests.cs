using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Notes.Features.Notes;
using Notes.Infrastructure.Notifications;
using Notes.Tests.Http;
using Notes.Tests.Infrastructure;
using Npgsql;

namespace Notes.Tests.Sync;

/// <summary>
/// The feed's guarantee as a property: writers create, change and delete notes at once through two instances, while
/// followers read the feed through both, each applying every change it gets; once the writes stop and a follower has
/// caught up, it holds exactly the notes GET /notes/all returns, each in its latest revision.
/// </summary>
public sealed class FollowerTests(InstancesOnOneDatabase instances) : IClassFixture<InstancesOnOneDatabase>
{
    private static readonly TimeSpan Writing = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task Should_leave_every_follower_with_exactly_the_stored_notes_after_concurrent_writes_through_two_instances()
    {
        var clients = instances.Instances.Select(instance => instance.CreateClient()).ToArray();
        using var stop = new CancellationTokenSource(Writing);
        var writers = Enumerable.Range(0, 6).Select(writer => WriteAsync(clients, writer, stop.Token)).ToArray();
        var followers = Enumerable.Range(0, 2).Select(follower => new Follower(clients, follower)).ToArray();
        var following = followers.Select(follower => follower.FollowAsync(stop.Token)).ToArray();

        var writes = (await Task.WhenAll(writers)).Sum();
        await Task.WhenAll(following);
        var written = await NextTransactionAsync();

        var stored = await (await clients[0].GetAsync("/notes/all")).ShouldBeNoteArrayAsync();
        var expected = stored.ToDictionary(note => (long)note!["id"]!.GetValue<int>(), note => note!.ToJsonString());
        writes.ShouldBeGreaterThan(50);
        foreach (var follower in followers)
        {
            await follower.CatchUpAsync(written);
            follower.Notes.Count.ShouldBe(expected.Count);
            follower.Notes.ShouldBe(expected, ignoreOrder: true);
        }
    }

    [Fact]
    public async Task Should_wake_the_waiters_of_an_owner_on_one_instance_at_a_commit_through_another()
    {
        var owner = $"owner-{Guid.NewGuid():N}";
        var notifications = instances.Instances[0].Services.GetRequiredService<DatabaseNotifications>();
        var someoneElses = notifications.Next($"someone else {Guid.NewGuid():N}");
        var woken = notifications.Next(owner);

        await instances.Instances[1].SendAsync(new CreateNote.Command("written through the other instance"), owner);

        await woken.WaitAsync(TimeSpan.FromSeconds(30));
        someoneElses.IsCompleted.ShouldBeFalse();
    }

    /// <summary>The id the next transaction will take: every write made so far has a lower one.</summary>
    private async Task<ulong> NextTransactionAsync()
    {
        await using var connection = await OwnerConnections.OpenAsync(instances.ConnectionString);
        await using var command = new NpgsqlCommand("select pg_snapshot_xmax(pg_current_snapshot())::text", connection);
        return ulong.Parse((string)(await command.ExecuteScalarAsync())!, CultureInfo.InvariantCulture);
    }

    /// <summary>Creates, replaces and deletes its own notes through either instance until told to stop; returns how many writes it made.</summary>
    private static async Task<int> WriteAsync(HttpClient[] clients, int writer, CancellationToken stop)
    {
        var random = new Random(writer);
        var mine = new List<int>();
        var writes = 0;
        while (!stop.IsCancellationRequested)
        {
            var client = clients[random.Next(clients.Length)];
            var roll = random.Next(10);
            if (mine.Count == 0 || roll < 5)
            {
                mine.Add((await (await client.PostAsJsonAsync("/notes", new { text = $"writer {writer} note {writes}" }, CancellationToken.None)).ShouldBeNoteAsync()).Id());
            }
            else if (roll < 8)
            {
                var id = mine[random.Next(mine.Count)];
                (await client.PutAsJsonAsync($"/notes/{id}", new { text = $"writer {writer} change {writes}", completed = roll == 7 }, CancellationToken.None)).StatusCode.ShouldBe(HttpStatusCode.OK);
            }
            else
            {
                var id = mine[random.Next(mine.Count)];
                mine.Remove(id);
                (await client.DeleteAsync($"/notes/{id}", CancellationToken.None)).StatusCode.ShouldBe(HttpStatusCode.OK);
            }

            writes++;
        }

        return writes;
    }

    private sealed class Follower(HttpClient[] clients, int follower)
    {
        private string _since = "0";
        private int _reads;

        public Dictionary<long, string> Notes { get; } = [];

        /// <summary>Reads the feed, through each instance in turn, while the writers write.</summary>
        public async Task FollowAsync(CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                await ReadAsync("&feed=longpoll&timeout=300");
            }
        }

        /// <summary>
        /// Reads until its position is past every transaction below <paramref name="written"/>: a transaction still
        /// running elsewhere on the server (another test's) holds the feed back meanwhile.
        /// </summary>
        public async Task CatchUpAsync(ulong written)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (NoteFeed.Position.Parse(_since)!.Value.Tx < written)
            {
                DateTime.UtcNow.ShouldBeLessThan(deadline, "the follower never caught up");
                await ReadAsync("&feed=longpoll&timeout=1000");
            }
        }

        private async Task<int> ReadAsync(string wait)
        {
            var client = clients[(follower + _reads++) % clients.Length];
            var response = await client.GetAsync($"/notes/changes?since={_since}&limit=50{wait}");
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            var page = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            var changes = page["changes"]!.AsArray();
            foreach (var change in changes.Select(change => change!.AsObject()))
            {
                var id = change["id"]!.GetValue<long>();
                if (change["deleted"]!.GetValue<bool>())
                {
                    Notes.Remove(id);
                }
                else
                {
                    Notes[id] = change["note"]!.ToJsonString();
                }
            }

            _since = page["lastSeq"]!.GetValue<string>();
            return changes.Count;
        }
    }
}
