using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Marten;
using Notes.Features.Notes;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Http;

public sealed class ImportTests(NotesApi api) : IClassFixture<NotesApi>
{
    private readonly HttpClient _client = api.CreateClient();

    [Fact]
    public async Task Should_accept_the_output_of_notes_all_as_it_is()
    {
        await _client.PostAsJsonAsync("/notes", new { text = "exported one", completed = true });
        await _client.PostAsJsonAsync("/notes", new { text = "exported two 🍺" });
        var exported = await _client.GetStringAsync("/notes/all");

        var response = await _client.PostAsync("/notes/import", HttpJson.AsJson(exported));

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var result = (await response.Content.ReadFromJsonAsync<JsonObject>()).ShouldNotBeNull();
        result.Select(member => member.Key).ShouldBe(["imported", "firstId", "lastId"]);
        result["imported"]!.GetValue<int>().ShouldBe(2);
        var copy = await (await _client.GetAsync($"/notes/{result["lastId"]!.GetValue<int>()}")).ShouldBeNoteAsync();
        copy.Text().ShouldBe("exported two 🍺");
        copy.Completed().ShouldBeFalse();
    }

    [Fact]
    public async Task Should_read_notes_as_leniently_as_a_create_does()
    {
        var response = await _client.PostAsync("/notes/import", HttpJson.AsCurlData("""[{"text":"curl","completed":"true"},{"text":"curl too"}]"""));

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Should_answer_422_keyed_by_position_and_store_nothing_when_one_note_is_bad()
    {
        var before = await Count();
        var notes = string.Join(",", Enumerable.Range(0, 1000).Select(i => i == 3 ? """{"text":"   "}""" : $$"""{"text":"note {{i}}"}"""));

        var problem = await (await _client.PostAsync("/notes/import", HttpJson.AsJson($"[{notes}]"))).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);

        problem.Errors("[3].text").ShouldBe(["'text' must not be blank."]);
        (await Count()).ShouldBe(before);
    }

    [Theory]
    [InlineData("{\"text\":\"not an array\"}")]
    [InlineData("[{\"text\":5}]")]
    [InlineData("[1, 2]")]
    public async Task Should_answer_400_to_a_body_that_is_not_an_array_of_notes(string body)
    {
        await (await _client.PostAsync("/notes/import", HttpJson.AsJson(body))).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Should_take_a_body_over_the_64_kib_that_other_endpoints_refuse()
    {
        var notes = string.Join(",", Enumerable.Range(0, 1000).Select(i => $$"""{"text":"{{i}} {{new string('n', 90)}}"}"""));
        Encoding.UTF8.GetByteCount(notes).ShouldBeGreaterThan(64 * 1024);

        var response = await _client.PostAsync("/notes/import", HttpJson.AsJson($"[{notes}]"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private Task<int> Count() => api.QueryAsync(session => session.Query<Note>().CountAsync());
}
