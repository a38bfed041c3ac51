using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Marten;
using Notes.Features.Notes;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Http;

/// <summary>Limits that Kestrel enforces while a body arrives, seen over a real connection.</summary>
public sealed class KestrelLimitsTests(NotesApiOverKestrel api) : IClassFixture<NotesApiOverKestrel>
{
    [Fact]
    public async Task Should_word_a_too_large_body_the_same_whether_its_length_is_declared_or_chunked()
    {
        var body = Encoding.UTF8.GetBytes($$"""{"text":"{{new string('a', 70_000)}}"}""");
        using var client = api.CreateClient();
        using var declared = new ByteArrayContent(body);
        declared.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var declaredProblem = await (await client.PostAsync("/notes", declared)).ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        var chunkedProblem = await PostChunkedAsync(body);

        chunkedProblem["status"]!.GetValue<int>().ShouldBe(413);
        chunkedProblem["title"]!.GetValue<string>().ShouldBe(declaredProblem["title"]!.GetValue<string>());
        chunkedProblem["detail"]!.GetValue<string>().ShouldBe(declaredProblem["detail"]!.GetValue<string>());
        (await api.QueryAsync(session => session.Query<Note>().CountAsync())).ShouldBe(0);
    }

    [Fact]
    public async Task Should_refuse_an_import_over_its_own_body_limit_before_reading_it()
    {
        var head = $"POST /notes/import HTTP/1.1\r\nHost: {api.Address.Authority}\r\nContent-Type: application/json\r\nContent-Length: {ImportNotes.MaxBodyBytes + 1}\r\nConnection: close\r\n\r\n";
        await using var connection = await RawHttpConnection.SendAsync(api.Address, head, [Encoding.ASCII.GetBytes("[")]);

        var answer = Encoding.UTF8.GetString(await connection.ReadToEndAsync(TimeSpan.FromSeconds(10)));

        answer.ShouldStartWith("HTTP/1.1 413");
        answer.ShouldContain("Request body too large");
    }

    [Theory]
    [InlineData("/notes/%00", "HTTP/1.1 400")]
    [InlineData("/notes?q=%00", "HTTP/1.1 200")] // a search without a word matches every note
    public async Task Should_never_answer_5xx_to_a_nul_in_the_request_line(string target, string statusLine)
    {
        await using var connection = await RawHttpConnection.SendAsync(
            api.Address, $"GET {target} HTTP/1.1\r\nHost: {api.Address.Authority}\r\nConnection: close\r\n\r\n", []);

        var answer = Encoding.ASCII.GetString(await connection.ReadToEndAsync(TimeSpan.FromSeconds(10)));

        answer.ShouldStartWith(statusLine);
    }

    /// <summary>Posts a body in 8 KiB chunks, with no length declared, and reads the problem details answered.</summary>
    private async Task<JsonObject> PostChunkedAsync(byte[] body)
    {
        var head = $"POST /notes HTTP/1.1\r\nHost: {api.Address.Authority}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
        var chunks = body.Chunk(8192).Select(chunk => Encoding.ASCII.GetBytes($"{chunk.Length:x}\r\n").Concat(chunk).Concat("\r\n"u8.ToArray()).ToArray())
            .Append("0\r\n\r\n"u8.ToArray());
        await using var connection = await RawHttpConnection.SendAsync(api.Address, head, chunks);

        var answer = Encoding.UTF8.GetString(await connection.ReadToEndAsync(TimeSpan.FromSeconds(10)));
        answer.ShouldStartWith("HTTP/1.1 413");
        answer.ShouldContain("Content-Type: application/problem+json");
        var json = answer[answer.IndexOf('{', StringComparison.Ordinal)..(answer.LastIndexOf('}') + 1)];
        return JsonNode.Parse(json).ShouldBeOfType<JsonObject>();
    }
}
