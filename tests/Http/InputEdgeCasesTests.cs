using System.Net;
using System.Net.Http.Json;
using System.Text;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Http;

/// <summary>Text and headers that a straightforward port gets wrong: never a 500, always a reason, nothing changed.</summary>
public sealed class InputEdgeCasesTests(NotesApi api) : IClassFixture<NotesApi>
{
    private readonly HttpClient _client = api.CreateClient();

    [Fact]
    public async Task Should_answer_422_naming_the_nul_character_and_store_nothing()
    {
        var response = await api.ChangesNothingAsync(() => _client.PostAsync("/notes", HttpJson.AsJson("""{"text":"a\u0000b"}""")));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        problem.Errors("text").ShouldBe(["'text' must not contain the NUL character (U+0000)."]);
    }

    [Fact]
    public async Task Should_answer_400_to_half_a_surrogate_pair()
    {
        var response = await api.ChangesNothingAsync(() => _client.PostAsync("/notes", HttpJson.AsJson("""{"text":"a\ud800b"}""")));

        // System.Text.Json refuses the escape itself: it is not text that can be stored
        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Should_refuse_nul_in_a_replacement_and_a_patch_and_keep_the_note()
    {
        var note = await (await _client.PostAsJsonAsync("/notes", new { text = "clean" })).ShouldBeNoteAsync();

        await (await _client.PutAsync($"/notes/{note.Id()}", HttpJson.AsJson("""{"text":"\u0000","completed":true}"""))).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        await (await _client.PatchAsync($"/notes/{note.Id()}", HttpJson.AsJson("""{"text":"x\u0000"}"""))).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);

        (await (await _client.GetAsync($"/notes/{note.Id()}")).ShouldBeNoteAsync()).Text().ShouldBe("clean");
    }

    /// <summary>Content-Type as RFC 9110 writes it (section 8.3.1), and what the API answers to a JSON body declared so.</summary>
    public static TheoryData<string, HttpStatusCode> MediaTypes => new()
    {
        // UTF-8 JSON, however it is spelled: accepted
        { "application/json", HttpStatusCode.OK },
        { "application/json; charset=utf-8", HttpStatusCode.OK },
        { "application/json; charset=UTF-8", HttpStatusCode.OK },
        { "application/json; charset=utf8", HttpStatusCode.OK },
        { "application/json;charset=utf-8", HttpStatusCode.OK },
        { "APPLICATION/JSON; CHARSET=UTF-8", HttpStatusCode.OK },
        { "application/json; charset=\"utf-8\"", HttpStatusCode.OK },
        { "application/json; charset=\"u\\tf-8\"", HttpStatusCode.OK }, // a quoted pair: \t is t
        { "application/json ; charset=utf-8", HttpStatusCode.OK },
        { "application/json;", HttpStatusCode.OK },
        { "application/json; profile=\"a;b=c\"; charset=utf-8", HttpStatusCode.OK },
        { "application/merge-patch+json", HttpStatusCode.OK },
        // another type: the body is read as JSON all the same (the seed's curl --data declares a form)
        { "application/x-www-form-urlencoded", HttpStatusCode.OK },
        { "text/plain; charset=\"us-ascii\"", HttpStatusCode.OK },
        // JSON in another charset: 415
        { "application/json; charset=foo", HttpStatusCode.UnsupportedMediaType },
        { "application/json; charset=windows-1252", HttpStatusCode.UnsupportedMediaType },
        { "application/json; charset=utf-16", HttpStatusCode.UnsupportedMediaType },
        { "application/json; charset=\"latin1\"", HttpStatusCode.UnsupportedMediaType },
        { "application/json; charset=utf-8; charset=utf-16", HttpStatusCode.UnsupportedMediaType },
        // not a media type: 400
        { "application/json; charset=", HttpStatusCode.BadRequest },
        // RFC 9110 allows an empty parameter between semicolons; ASP.NET Core's parser, which reads the type, does not
        { "application/json; ; charset=utf-8", HttpStatusCode.BadRequest },
        { "application/json; charset=\"\"x", HttpStatusCode.BadRequest },
        { "application/json; charset=\"utf-8", HttpStatusCode.BadRequest },
        { "application/json; charset", HttpStatusCode.BadRequest },
        { "application/json; =utf-8", HttpStatusCode.BadRequest },
        { "application/json; charset=utf 8", HttpStatusCode.BadRequest },
        { "application/json charset=utf-8", HttpStatusCode.BadRequest },
        { "application/", HttpStatusCode.BadRequest },
        { "/json", HttpStatusCode.BadRequest },
        { "json", HttpStatusCode.BadRequest },
    };

    [Theory]
    [MemberData(nameof(MediaTypes))]
    public async Task Should_read_the_content_type_as_rfc_9110_writes_it_and_never_answer_500(string contentType, HttpStatusCode expected)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"text":"déjà vu"}"""));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        if (expected == HttpStatusCode.OK)
        {
            (await (await _client.PostAsync("/notes", content)).ShouldBeNoteAsync()).Text().ShouldBe("déjà vu");
            return;
        }

        var response = await api.ChangesNothingAsync(() => _client.PostAsync("/notes", content));

        var detail = (await response.ShouldBeProblemAsync(expected))["detail"]!.GetValue<string>();
        detail.ShouldContain(expected == HttpStatusCode.UnsupportedMediaType ? "UTF-8" : "RFC 9110");
    }

    [Fact]
    public async Task Should_count_characters_as_unicode_code_points_as_the_seed_did()
    {
        var sixtyEmoji = string.Concat(Enumerable.Repeat("😀", 60));
        var hundredEmoji = string.Concat(Enumerable.Repeat("🍺", 100));

        (await (await _client.PostAsJsonAsync("/notes", new { text = sixtyEmoji })).ShouldBeNoteAsync()).Text().ShouldBe(sixtyEmoji);
        (await (await _client.PostAsJsonAsync("/notes", new { text = hundredEmoji })).ShouldBeNoteAsync()).Text().ShouldBe(hundredEmoji);
    }

    [Theory]
    [InlineData(101, "🍺", 101)]
    [InlineData(100, "e\u0301", 200)]
    public async Task Should_reject_text_over_100_code_points_and_say_how_many_it_had(int repeats, string unit, int codePoints)
    {
        var text = string.Concat(Enumerable.Repeat(unit, repeats));

        var response = await api.ChangesNothingAsync(() => _client.PostAsJsonAsync("/notes", new { text }));

        (await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity)).Errors("text")
            .ShouldBe([$"'text' must be at most 100 characters (it was {codePoints})."]);
    }

    [Fact]
    public async Task Should_store_odd_charsets_sql_and_script_text_verbatim()
    {
        string[] texts = ["Ünïcödé ✓ 日本語 עברית العربية", "'; drop table mt_doc_note; --", "<script>alert(1)</script>", "tab\there\nnewline", "\u200b zero width"];

        foreach (var text in texts)
        {
            var note = await (await _client.PostAsJsonAsync("/notes", new { text })).ShouldBeNoteAsync();
            (await (await _client.GetAsync($"/notes/{note.Id()}")).ShouldBeNoteAsync()).Text().ShouldBe(text);
        }
    }

    [Theory]
    [InlineData("\" true \"")]
    [InlineData("\"\\ttrue\\n\"")]
    [InlineData("\"true\\u0000\"")]
    [InlineData("\"yes\"")]
    [InlineData("\"1\"")]
    [InlineData("\"\"")]
    public async Task Should_answer_400_to_anything_but_true_or_false_for_completed(string completed)
    {
        var response = await api.ChangesNothingAsync(() => _client.PostAsync("/notes", HttpJson.AsJson($$"""{"text":"flag","completed":{{completed}}}""")));

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest))["detail"]!.GetValue<string>().ShouldContain("'$.completed'");
    }

    [Theory]
    [InlineData("/notes?skip=abc", "'skip' must be a whole number from -2147483648 to 2147483647, not 'abc'.")]
    [InlineData("/notes?take=1.5", "'take' must be a whole number from -2147483648 to 2147483647, not '1.5'.")]
    [InlineData("/notes?take=99999999999", "'take' must be a whole number from -2147483648 to 2147483647, not '99999999999'.")]
    public async Task Should_say_in_the_apis_words_which_query_value_is_not_a_number(string url, string detail)
    {
        var problem = await (await _client.GetAsync(url)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        problem["detail"]!.GetValue<string>().ShouldBe(detail);
    }

    [Fact]
    public async Task Should_read_an_empty_take_or_skip_as_the_default()
    {
        for (var i = 0; i < 25; i++)
        {
            await _client.PostAsJsonAsync("/notes", new { text = $"paged {i}" });
        }

        (await (await _client.GetAsync("/notes?take=&skip=")).ShouldBeNoteArrayAsync()).Count.ShouldBe(20);
    }

    [Theory]
    [InlineData("/notes")]
    [InlineData("/notes/all")]
    [InlineData("/health/live")]
    [InlineData("/openapi.json")]
    public async Task Should_answer_head_wherever_get_works(string path)
    {
        await _client.PostAsJsonAsync("/notes", new { text = "headed" });

        var response = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsByteArrayAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_answer_head_for_one_note_with_its_etag()
    {
        var note = await (await _client.PostAsJsonAsync("/notes", new { text = "headed" })).ShouldBeNoteAsync();

        var response = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/notes/{note.Id()}"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.ETag.ShouldNotBeNull().Tag.ShouldBe("\"1\"");
        (await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/notes/987654"))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
