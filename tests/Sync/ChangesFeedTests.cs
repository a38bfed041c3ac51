using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Notes.Tests.Http;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Sync;

/// <summary>GET /notes/changes over HTTP: its JSON, its refusals, and long polling.</summary>
public sealed class ChangesFeedTests(NotesApi api) : IClassFixture<NotesApi>
{
    private readonly HttpClient _client = api.CreateClient();

    [Fact]
    public async Task Should_answer_changes_with_their_positions_notes_and_tombstones()
    {
        var start = await ChangesAsync("/notes/changes?since=now");
        var kept = await (await _client.PostAsJsonAsync("/notes", new { text = "in the feed 💡 ünïcödé 日本語 \u202e" })).ShouldBeNoteAsync();
        var gone = await (await _client.PostAsJsonAsync("/notes", new { text = "deleted" })).ShouldBeNoteAsync();
        (await _client.DeleteAsync($"/notes/{gone.Id()}")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var (changes, lastSeq) = await ChangesAsync(start["lastSeq"]!.GetValue<string>(), expected: 2);

        changes.Count.ShouldBe(2);
        var note = changes.Single(change => change["id"]!.GetValue<int>() == kept.Id());
        note["deleted"]!.GetValue<bool>().ShouldBeFalse();
        note["note"]!.AsObject().Text().ShouldBe("in the feed 💡 ünïcödé 日本語 \u202e");
        note["seq"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        var tombstone = changes.Single(change => change["id"]!.GetValue<int>() == gone.Id());
        tombstone["deleted"]!.GetValue<bool>().ShouldBeTrue();
        tombstone["note"].ShouldBeNull();
        lastSeq.ShouldNotBeNullOrWhiteSpace();
    }

    [Theory]
    [InlineData("since=yesterday")]
    [InlineData("since=1.2.3")]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    [InlineData("feed=longpoll&timeout=60001")]
    public async Task Should_answer_422_to_what_is_not_a_position_or_a_limit(string query)
    {
        var response = await _client.GetAsync($"/notes/changes?{query}");

        await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Should_hold_a_long_poll_until_the_first_change()
    {
        var start = await ChangesAsync("/notes/changes?since=now");
        var polling = _client.GetAsync($"/notes/changes?since={start["lastSeq"]}&feed=longpoll&timeout=60000");
        await Task.Delay(500);
        polling.IsCompleted.ShouldBeFalse();

        var created = await (await _client.PostAsJsonAsync("/notes", new { text = "woke the poll" })).ShouldBeNoteAsync();
        // well before its timeout (a transaction running elsewhere on the server may hold the change back a while)
        var answer = await polling.WaitAsync(TimeSpan.FromSeconds(45));

        var changes = (await answer.Content.ReadFromJsonAsync<JsonObject>())!["changes"]!.AsArray();
        changes.Select(change => change!["id"]!.GetValue<int>()).ShouldBe([created.Id()]);
    }

    [Fact]
    public async Task Should_answer_an_empty_page_when_a_long_poll_times_out()
    {
        var start = await ChangesAsync("/notes/changes?since=now");
        var clock = Stopwatch.StartNew();

        var page = await ChangesAsync($"/notes/changes?since={start["lastSeq"]}&feed=longpoll&timeout=700");

        clock.Elapsed.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(650));
        page["changes"]!.AsArray().ShouldBeEmpty();
        page["lastSeq"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
    }

    /// <summary>The changes after <paramref name="since"/>, long polled until <paramref name="expected"/> came.</summary>
    private async Task<(List<JsonObject> Changes, string LastSeq)> ChangesAsync(string since, int expected)
    {
        var changes = new List<JsonObject>();
        while (changes.Count < expected)
        {
            var page = await ChangesAsync($"/notes/changes?since={since}&feed=longpoll&timeout=30000");
            page["changes"]!.AsArray().ShouldNotBeEmpty();
            changes.AddRange(page["changes"]!.AsArray().Select(change => change!.AsObject()));
            since = page["lastSeq"]!.GetValue<string>();
        }

        return (changes, since);
    }

    private async Task<JsonObject> ChangesAsync(string path)
    {
        var response = await _client.GetAsync(path);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }
}
