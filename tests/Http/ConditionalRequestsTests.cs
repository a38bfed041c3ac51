using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Http;

/// <summary>RFC 9110 conditional requests: If-None-Match on GET and PUT, If-Match on PUT, PATCH and DELETE.</summary>
public sealed class ConditionalRequestsTests(NotesApi api) : IClassFixture<NotesApi>
{
    private readonly HttpClient _client = api.CreateClient();

    [Fact]
    public async Task Should_answer_304_with_the_etag_and_no_body_while_if_none_match_names_the_current_revision()
    {
        var note = await CreateAsync("cached");

        var response = await SendAsync(HttpMethod.Get, $"/notes/{note.Id()}", ("If-None-Match", "\"1\""));

        response.StatusCode.ShouldBe(HttpStatusCode.NotModified);
        response.Headers.ETag.ShouldNotBeNull().Tag.ShouldBe("\"1\"");
        (await response.Content.ReadAsByteArrayAsync()).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("*")]
    [InlineData("\"7\", \"1\"")]
    [InlineData("W/\"1\"")]
    public async Task Should_answer_304_when_any_tag_of_if_none_match_names_the_revision(string ifNoneMatch)
    {
        var note = await CreateAsync("cached");

        var response = await SendAsync(HttpMethod.Get, $"/notes/{note.Id()}", ("If-None-Match", ifNoneMatch));

        response.StatusCode.ShouldBe(HttpStatusCode.NotModified);
    }

    [Fact]
    public async Task Should_answer_200_with_the_note_when_if_none_match_names_an_older_revision()
    {
        var note = await CreateAsync("changed");
        await _client.PutAsJsonAsync($"/notes/{note.Id()}", new { text = "changed again", completed = false });

        var response = await SendAsync(HttpMethod.Get, $"/notes/{note.Id()}", ("If-None-Match", "\"1\""));

        (await response.ShouldBeNoteAsync()).Text().ShouldBe("changed again");
        response.Headers.ETag.ShouldNotBeNull().Tag.ShouldBe("\"2\"");
    }

    [Fact]
    public async Task Should_answer_404_not_304_for_an_unknown_note()
    {
        await (await SendAsync(HttpMethod.Get, "/notes/987654", ("If-None-Match", "*"))).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("\"2\", \"1\"")]
    [InlineData("\"9\",\"1\"")]
    public async Task Should_replace_when_any_tag_of_an_if_match_list_names_the_revision(string ifMatch)
    {
        var note = await CreateAsync("listed");

        var response = await SendAsync(HttpMethod.Put, $"/notes/{note.Id()}", ("If-Match", ifMatch), body: """{"text":"replaced","completed":true}""");

        (await response.ShouldBeNoteAsync()).Text().ShouldBe("replaced");
    }

    [Fact]
    public async Task Should_replace_when_one_of_several_if_match_headers_names_the_revision()
    {
        var note = await CreateAsync("two headers");
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/notes/{note.Id()}") { Content = HttpJson.AsJson("""{"text":"replaced","completed":true}""") };
        request.Headers.TryAddWithoutValidation("If-Match", "\"9\"");
        request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");

        var response = await _client.SendAsync(request);

        (await response.ShouldBeNoteAsync()).Text().ShouldBe("replaced");
    }

    [Fact]
    public async Task Should_never_match_a_weak_tag_in_if_match()
    {
        var note = await CreateAsync("weak");

        var response = await SendAsync(HttpMethod.Put, $"/notes/{note.Id()}", ("If-Match", "W/\"1\""), body: """{"text":"x","completed":true}""");

        await response.ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task Should_never_refuse_if_match_star_for_an_existing_note_under_concurrency()
    {
        var note = await CreateAsync("starred");

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            SendAsync(HttpMethod.Put, $"/notes/{note.Id()}", ("If-Match", "*"), body: $$"""{"text":"writer {{i}}","completed":true}""")));

        responses.Select(response => response.StatusCode).ShouldAllBe(status => status == HttpStatusCode.OK);
    }

    [Fact]
    public async Task Should_answer_412_and_change_nothing_when_a_put_with_if_none_match_star_meets_an_existing_note()
    {
        var note = await CreateAsync("only if there is none");

        var response = await api.ChangesNothingAsync(() =>
            SendAsync(HttpMethod.Put, $"/notes/{note.Id()}", ("If-None-Match", "*"), body: """{"text":"overwritten","completed":true}"""));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed);
        ((string?)problem["detail"]).ShouldBe($"Note with id {note.Id()} exists, and If-None-Match: * asks to write only where there is none.");
        response.Headers.ETag.ShouldBeNull();
    }

    [Fact]
    public async Task Should_answer_404_to_a_put_with_if_none_match_star_for_an_unknown_note()
    {
        var response = await api.ChangesNothingAsync(() =>
            SendAsync(HttpMethod.Put, "/notes/987654", ("If-None-Match", "*"), body: """{"text":"nothing to replace","completed":true}"""));

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Should_refuse_a_delete_with_a_stale_if_match_and_keep_the_note()
    {
        var note = await CreateAsync("keep me");
        await _client.PutAsJsonAsync($"/notes/{note.Id()}", new { text = "kept", completed = false });

        var response = await SendAsync(HttpMethod.Delete, $"/notes/{note.Id()}", ("If-Match", "\"1\""));

        await response.ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed);
        (await (await _client.GetAsync($"/notes/{note.Id()}")).ShouldBeNoteAsync()).Text().ShouldBe("kept");
    }

    [Theory]
    [InlineData("\"1\"")]
    [InlineData("*")]
    public async Task Should_delete_when_if_match_names_the_current_revision_or_is_a_wildcard(string ifMatch)
    {
        var note = await CreateAsync("delete me");

        var response = await SendAsync(HttpMethod.Delete, $"/notes/{note.Id()}", ("If-Match", ifMatch));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await _client.GetAsync($"/notes/{note.Id()}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Should_refuse_a_patch_with_a_stale_if_match_and_change_nothing()
    {
        var note = await CreateAsync("patched later");
        await _client.PatchAsync($"/notes/{note.Id()}", HttpJson.AsJson("""{"completed":true}"""));

        var response = await SendAsync(HttpMethod.Patch, $"/notes/{note.Id()}", ("If-Match", "\"1\""), body: """{"text":"stale"}""");

        await response.ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed);
        var stored = await (await _client.GetAsync($"/notes/{note.Id()}")).ShouldBeNoteAsync();
        stored.Text().ShouldBe("patched later");
        stored.Completed().ShouldBeTrue();
    }

    private async Task<JsonObject> CreateAsync(string text) =>
        await (await _client.PostAsJsonAsync("/notes", new { text })).ShouldBeNoteAsync();

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, (string Name, string Value) header, string? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = HttpJson.AsJson(body);
        }

        request.Headers.TryAddWithoutValidation(header.Name, header.Value);
        return _client.SendAsync(request);
    }
}
