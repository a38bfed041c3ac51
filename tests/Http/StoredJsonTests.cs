using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Notes.Features.Notes;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Http;

/// <summary>
/// The slices write notes with statements of their own and answer with the stored JSON as it is: what they write must
/// be what Marten writes, and what they answer must be what Marten would serialise for the same document.
/// </summary>
public sealed class StoredJsonTests(NotesApi api) : IClassFixture<NotesApi>
{
    private readonly HttpClient _client = api.CreateClient();

    private IDocumentStore Store => api.Services.GetRequiredService<IDocumentStore>();

    [Fact]
    public async Task Should_answer_every_note_with_the_json_marten_serialises_for_it()
    {
        var created = await _client.PostAsJsonAsync("/notes", new { text = "Ünïcödé 😀 \"quoted\" <b>", completed = "true" });
        var id = (await created.ShouldBeNoteAsync()).Id();
        var put = await _client.PutAsJsonAsync($"/notes/{id}", new { text = "put ✓", completed = false });
        var patched = await _client.PatchAsync($"/notes/{id}", HttpJson.AsJson("""{"text":"patched ✓"}"""));
        var read = await _client.GetAsync($"/notes/{id}");

        foreach (var (answer, version) in new[] { (created, 1), (put, 2), (patched, 3), (read, 3) })
        {
            answer.Headers.ETag.ShouldNotBeNull().Tag.ShouldBe($"\"{version}\"");
        }

        var stored = await api.QueryAsync(session => session.LoadAsync<Note>(id));
        stored.ShouldNotBeNull().Version.ShouldBe(3);
        var marten = JsonNode.Parse(Store.Options.Serializer().ToJson(stored));
        JsonNode.DeepEquals(JsonNode.Parse(await patched.Content.ReadAsStringAsync()), marten).ShouldBeTrue();
        JsonNode.DeepEquals(JsonNode.Parse(await read.Content.ReadAsStringAsync()), marten).ShouldBeTrue();
        var page = await (await _client.GetAsync($"/notes?sort=-id&take=1")).ShouldBeNoteArrayAsync();
        JsonNode.DeepEquals(page.Single(), marten).ShouldBeTrue();
        var all = await (await _client.GetAsync("/notes/all?sort=-id")).ShouldBeNoteArrayAsync();
        JsonNode.DeepEquals(all[0], marten).ShouldBeTrue();
    }
}
