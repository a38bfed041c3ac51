using System.Net;
using System.Net.Http.Json;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Http;

/// <summary>Bad input gets a clear 4xx problem details response and changes nothing.</summary>
public sealed class ErrorResponsesTests(NotesApi api) : IClassFixture<NotesApi>
{
    private readonly HttpClient _client = api.CreateClient();

    [Theory]
    [InlineData("{\"text\": \"unfinished\"")]
    [InlineData("text=hello&completed=false")]
    [InlineData("{\"text\": \"x\",}")]
    [InlineData("not json at all")]
    public async Task Should_answer_400_to_a_body_that_is_not_json(string body)
    {
        var problem = await (await api.ChangesNothingAsync(() => _client.PostAsync("/notes", HttpJson.AsCurlData(body)))).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        problem["detail"]!.GetValue<string>().ShouldStartWith("The request body is not valid JSON");
    }

    [Theory]
    [InlineData("{\"text\": 5}", "$.text")]
    [InlineData("{\"text\": [\"a\"]}", "$.text")]
    [InlineData("{\"text\": \"x\", \"completed\": \"maybe\"}", "$.completed")]
    [InlineData("{\"text\": \"x\", \"completed\": 1}", "$.completed")]
    [InlineData("{\"text\": \"x\", \"completed\": {}}", "$.completed")]
    [InlineData("[]", null)]
    [InlineData("\"a string\"", null)]
    public async Task Should_answer_400_to_a_value_of_a_type_that_cannot_be_coerced(string body, string? path)
    {
        var problem = await (await api.ChangesNothingAsync(() => _client.PostAsync("/notes", HttpJson.AsJson(body)))).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        if (path is not null)
        {
            problem["detail"]!.GetValue<string>().ShouldContain($"'{path}'");
        }
    }

    [Theory]
    [InlineData("{\"text\": \"\"}", "'text' must not be blank.")]
    [InlineData("{\"text\": \"   \", \"completed\": true}", "'text' must not be blank.")]
    [InlineData("{\"completed\": true}", "'text' is required.")]
    [InlineData("{\"text\": null}", "'text' is required.")]
    [InlineData("{}", "'text' is required.")]
    [InlineData("null", "'text' is required.")]
    [InlineData("", "'text' is required.")]
    public async Task Should_answer_422_with_the_broken_rule_per_field(string body, string message)
    {
        var problem = await (await api.ChangesNothingAsync(() => _client.PostAsync("/notes", HttpJson.AsCurlData(body)))).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);

        problem.Errors("text").ShouldBe([message]);
        problem["detail"]!.GetValue<string>().ShouldContain(message);
    }

    [Fact]
    public async Task Should_reject_text_over_100_characters()
    {
        var problem = await (await api.ChangesNothingAsync(() => _client.PostAsJsonAsync("/notes", new { text = new string('a', 101) }))).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);

        problem.Errors("text").ShouldBe(["'text' must be at most 100 characters (it was 101)."]);
    }

    [Fact]
    public async Task Should_answer_422_to_a_replacement_that_breaks_a_rule_and_keep_the_note()
    {
        var note = await (await _client.PostAsJsonAsync("/notes", new { text = "keep me", completed = true })).ShouldBeNoteAsync();

        var problem = await (await api.ChangesNothingAsync(() => _client.PutAsync($"/notes/{note.Id()}", HttpJson.AsJson("{\"text\": \"\"}")))).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);

        problem.Errors("text").ShouldBe(["'text' must not be blank."]);
        problem.Errors("completed").ShouldBe(["'completed' is required."]);
        var stored = await (await _client.GetAsync($"/notes/{note.Id()}")).ShouldBeNoteAsync();
        stored.Text().ShouldBe("keep me");
        stored.Completed().ShouldBeTrue();
    }

    [Theory]
    [InlineData("/notes?skip=-1", "skip")]
    [InlineData("/notes?take=0", "take")]
    [InlineData("/notes?take=1001", "take")]
    public async Task Should_answer_422_to_paging_out_of_range(string url, string field)
    {
        var problem = await (await _client.GetAsync(url)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);

        problem.Errors(field).ShouldHaveSingleItem();
    }

    [Theory]
    [InlineData("/notes?skip=abc")]
    [InlineData("/notes?take=1.5")]
    [InlineData("/notes?take=99999999999")]
    public async Task Should_answer_400_to_paging_values_that_are_not_integers(string url)
    {
        await (await _client.GetAsync(url)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Should_answer_413_to_a_body_over_the_size_limit()
    {
        var body = $"{{\"text\":\"{new string('a', 70_000)}\"}}";

        await (await api.ChangesNothingAsync(() => _client.PostAsync("/notes", HttpJson.AsJson(body)))).ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Should_answer_404_to_an_unknown_path_and_405_to_an_unknown_method()
    {
        await (await _client.GetAsync("/nothing-here")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await _client.GetAsync("/notes/not-a-number")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await _client.PatchAsync("/notes", HttpJson.AsJson("{}"))).ShouldBeProblemAsync(HttpStatusCode.MethodNotAllowed);
    }
}
