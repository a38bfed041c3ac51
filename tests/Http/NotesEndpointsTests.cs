using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Http;

public sealed class NotesEndpointsTests(NotesApi api) : IClassFixture<NotesApi>
{
    private readonly HttpClient _client = api.CreateClient();

    [Fact]
    public async Task Should_create_a_note_with_timestamps_in_utc()
    {
        var note = await (await _client.PostAsJsonAsync("/notes", new { text = "Buy milk", completed = false })).ShouldBeNoteAsync();

        note.Text().ShouldBe("Buy milk");
        var createdAt = note["createdAt"]!.GetValue<string>();
        createdAt.ShouldEndWith("Z");
        note["updatedAt"]!.GetValue<string>().ShouldBe(createdAt);
    }

    [Fact]
    public async Task Should_read_one_note_with_its_etag()
    {
        var created = await CreateAsync("Read me");

        var response = await _client.GetAsync($"/notes/{created.Id()}");

        var note = await response.ShouldBeNoteAsync();
        note.ToJsonString().ShouldBe(created.ToJsonString());
        response.Headers.ETag.ShouldNotBeNull().Tag.ShouldBe("\"1\"");
        response.Headers.ETag.IsWeak.ShouldBeFalse();
    }

    [Fact]
    public async Task Should_answer_404_for_an_unknown_note()
    {
        var problem = await (await _client.GetAsync("/notes/987654")).ShouldBeProblemAsync(HttpStatusCode.NotFound);

        problem["detail"]!.GetValue<string>().ShouldBe("Note with id 987654 was not found.");
    }

    [Fact]
    public async Task Should_replace_a_note_and_give_it_a_new_etag()
    {
        var created = await CreateAsync("Before");

        var response = await _client.PutAsJsonAsync($"/notes/{created.Id()}", new { text = "After", completed = "true" });

        var note = await response.ShouldBeNoteAsync();
        note.Text().ShouldBe("After");
        note.Completed().ShouldBeTrue();
        note["createdAt"]!.GetValue<string>().ShouldBe(created["createdAt"]!.GetValue<string>());
        response.Headers.ETag.ShouldNotBeNull().Tag.ShouldBe("\"2\"");
        (await (await _client.GetAsync($"/notes/{created.Id()}")).ShouldBeNoteAsync()).Text().ShouldBe("After");
    }

    [Fact]
    public async Task Should_replace_a_note_only_while_if_match_names_its_current_revision()
    {
        var created = await CreateAsync("Shared");
        var etag = (await _client.GetAsync($"/notes/{created.Id()}")).Headers.ETag.ShouldNotBeNull();

        var first = await PutAsync(created.Id(), """{"text":"Alice's edit","completed":false}""", etag);
        var second = await PutAsync(created.Id(), """{"text":"Bob's stale edit","completed":false}""", etag);

        await first.ShouldBeNoteAsync();
        await second.ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed);
        (await (await _client.GetAsync($"/notes/{created.Id()}")).ShouldBeNoteAsync()).Text().ShouldBe("Alice's edit");
    }

    [Fact]
    public async Task Should_answer_404_when_replacing_an_unknown_note()
    {
        await (await _client.PutAsJsonAsync("/notes/987654", new { text = "x", completed = false })).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Should_delete_a_note_and_say_so()
    {
        var created = await CreateAsync("Delete me");

        var response = await _client.DeleteAsync($"/notes/{created.Id()}");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>()).ShouldNotBeNull();
        body["message"]!.GetValue<string>().ShouldBe($"Note with id {created.Id()} has been deleted.");
        await (await _client.GetAsync($"/notes/{created.Id()}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await _client.DeleteAsync($"/notes/{created.Id()}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Should_page_through_notes_in_id_order()
    {
        for (var i = 0; i < 25; i++)
        {
            await CreateAsync($"page {i}");
        }

        var firstPage = await (await _client.GetAsync("/notes")).ShouldBeNoteArrayAsync();
        var everything = await (await _client.GetAsync("/notes/all")).ShouldBeNoteArrayAsync();
        var window = await (await _client.GetAsync("/notes?skip=3&take=5")).ShouldBeNoteArrayAsync();

        firstPage.Count.ShouldBe(20);
        var allIds = everything.Select(note => note!.AsObject().Id()).ToList();
        allIds.ShouldBeInOrder(SortDirection.Ascending);
        allIds.Count.ShouldBeGreaterThanOrEqualTo(25);
        firstPage.Select(note => note!.AsObject().Id()).ShouldBe(allIds.Take(20));
        window.Select(note => note!.AsObject().Id()).ShouldBe(allIds.Skip(3).Take(5));
    }

    private async Task<JsonObject> CreateAsync(string text) =>
        await (await _client.PostAsJsonAsync("/notes", new { text, completed = false })).ShouldBeNoteAsync();

    private Task<HttpResponseMessage> PutAsync(int id, string body, EntityTagHeaderValue ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/notes/{id}") { Content = HttpJson.AsJson(body) };
        request.Headers.IfMatch.Add(ifMatch);
        return _client.SendAsync(request);
    }
}
