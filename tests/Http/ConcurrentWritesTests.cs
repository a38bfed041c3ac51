using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Http;

/// <summary>Each write against its concurrent twin, over HTTP: nothing acknowledged is lost, nothing deleted comes back.</summary>
public sealed class ConcurrentWritesTests(NotesApi api) : IClassFixture<NotesApi>
{
    private readonly HttpClient _client = api.CreateClient();

    [Fact]
    public async Task Should_answer_200_to_every_unconditional_replace_of_a_few_notes_by_many_clients()
    {
        var notes = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => CreateAsync($"contended {i}")));

        var responses = await Task.WhenAll(Enumerable.Range(0, 64).Select(async client =>
        {
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < 10; i++)
            {
                var note = notes[(client + i) % notes.Length];
                var response = await _client.PutAsJsonAsync($"/notes/{note.Id()}", new { text = $"client {client} put {i}", completed = i % 2 == 0 });
                statuses.Add(response.StatusCode);
            }

            return statuses;
        }));

        responses.SelectMany(statuses => statuses).ShouldAllBe(status => status == HttpStatusCode.OK);
        foreach (var note in notes)
        {
            var stored = await _client.GetAsync($"/notes/{note.Id()}");
            await stored.ShouldBeNoteAsync();
        }
    }

    [Fact]
    public async Task Should_keep_a_note_deleted_when_a_replace_races_the_delete()
    {
        for (var trial = 0; trial < 30; trial++)
        {
            var note = await CreateAsync($"raced {trial}");

            var put = _client.PutAsJsonAsync($"/notes/{note.Id()}", new { text = "resurrected?", completed = true });
            var delete = _client.DeleteAsync($"/notes/{note.Id()}");
            await Task.WhenAll(put, delete);

            (await delete).StatusCode.ShouldBe(HttpStatusCode.OK);
            (await put).StatusCode.ShouldBeOneOf(HttpStatusCode.OK, HttpStatusCode.NotFound);
            await (await _client.GetAsync($"/notes/{note.Id()}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        }
    }

    [Fact]
    public async Task Should_keep_a_note_deleted_when_a_patch_races_the_delete()
    {
        for (var trial = 0; trial < 30; trial++)
        {
            var note = await CreateAsync($"patched {trial}");

            var patch = _client.PatchAsync($"/notes/{note.Id()}", HttpJson.AsJson("""{"completed":true}"""));
            var delete = _client.DeleteAsync($"/notes/{note.Id()}");
            await Task.WhenAll(patch, delete);

            (await delete).StatusCode.ShouldBe(HttpStatusCode.OK);
            await (await _client.GetAsync($"/notes/{note.Id()}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        }
    }

    [Fact]
    public async Task Should_answer_200_to_exactly_one_of_many_concurrent_deletes_of_a_note()
    {
        for (var trial = 0; trial < 20; trial++)
        {
            var note = await CreateAsync($"deleted {trial}");

            var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _client.DeleteAsync($"/notes/{note.Id()}")));

            responses.Count(response => response.StatusCode == HttpStatusCode.OK).ShouldBe(1, $"trial {trial}");
            responses.Count(response => response.StatusCode == HttpStatusCode.NotFound).ShouldBe(7, $"trial {trial}");
        }
    }

    [Fact]
    public async Task Should_give_every_one_of_many_concurrent_creates_its_own_id()
    {
        var notes = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => CreateAsync($"burst {i}")));

        notes.Select(note => note.Id()).Distinct().Count().ShouldBe(300);
        var everything = await (await _client.GetAsync("/notes/all")).ShouldBeNoteArrayAsync();
        notes.Select(note => note.Id()).Except(everything.Select(note => note!.AsObject().Id())).ShouldBeEmpty();
    }

    private async Task<JsonObject> CreateAsync(string text) =>
        await (await _client.PostAsJsonAsync("/notes", new { text })).ShouldBeNoteAsync();
}
