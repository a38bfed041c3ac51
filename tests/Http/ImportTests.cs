using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Notes.Features.Notes;
using Notes.Infrastructure.Errors;
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

    [Fact]
    public async Task Should_answer_413_at_the_100001st_note_and_store_none()
    {
        var notes = string.Join(",", Enumerable.Repeat("""{"text":"a"}""", ImportNotes.MaxNotes + 1));

        var response = await api.ChangesNothingAsync(() => _client.PostAsync("/notes/import", HttpJson.AsJson($"[{notes}]")));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        problem["detail"]!.GetValue<string>().ShouldContain("at most 100000 notes");
    }

    [Theory]
    [InlineData("""[{"text":"fine"},{"text":"a","padding":"%"}]""")]
    [InlineData("""[{"text":"fine"},"%"]""")]
    [InlineData("""[{"text":"fine"},{"text":"a","nested":[[[{"padding":"%"}]]]}]""")]
    public async Task Should_answer_413_to_a_note_over_64_kib_before_reading_it_whole(string body)
    {
        var oversized = body.Replace("%", new string('x', ImportNotes.MaxItemBytes));

        var response = await api.ChangesNothingAsync(() => _client.PostAsync("/notes/import", HttpJson.AsJson(oversized)));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        problem["detail"]!.GetValue<string>().ShouldContain("the one at position 1");
    }

    [Fact]
    public async Task Should_list_the_first_100_errors_of_a_422_and_count_them_all()
    {
        var notes = string.Join(",", Enumerable.Repeat("{}", 250));

        var problem = await (await _client.PostAsync("/notes/import", HttpJson.AsJson($"[{notes}]"))).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);

        problem["errors"]!.AsObject().Count.ShouldBe(ImportNotes.MaxErrors);
        problem.Errors("[99].text").ShouldNotBeEmpty();
        problem["errorCount"]!.GetValue<int>().ShouldBe(250);
    }

    [Fact]
    public async Task Should_answer_503_with_retry_after_while_every_import_slot_is_taken()
    {
        var slots = api.Services.GetRequiredService<ImportSlots>();
        var taken = new List<IDisposable>();
        try
        {
            while (true)
            {
                taken.Add(slots.Enter($"owner {taken.Count}"));
            }
        }
        catch (ServerBusyException)
        {
        }

        var refused = await api.ChangesNothingAsync(() => _client.PostAsync("/notes/import", HttpJson.AsJson("""[{"text":"waits its turn"}]""")));
        taken.ForEach(slot => slot.Dispose());
        var accepted = await _client.PostAsync("/notes/import", HttpJson.AsJson("""[{"text":"its turn"}]"""));

        taken.Count.ShouldBe(ImportSlots.DefaultMaxConcurrent);
        await refused.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        refused.Headers.RetryAfter.ShouldNotBeNull();
        accepted.StatusCode.ShouldBe(HttpStatusCode.OK, await accepted.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("""[{"text":"a"}] []""")]
    [InlineData("""[{"text":"a"}] x""")]
    [InlineData("""[{"text":"a"}""")]
    public async Task Should_answer_400_to_anything_but_white_space_around_the_array(string body)
    {
        await (await api.ChangesNothingAsync(() => _client.PostAsync("/notes/import", HttpJson.AsJson(body)))).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    private Task<int> Count() => api.QueryAsync(session => session.Query<Note>().CountAsync());
}
