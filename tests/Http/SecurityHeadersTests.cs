using System.Net;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Http;

/// <summary>Every response carries the security headers, errors and the docs included.</summary>
public sealed class SecurityHeadersTests(NotesApi api) : IClassFixture<NotesApi>
{
    public static TheoryData<string, string, string?> Requests => new()
    {
        { "POST", "/notes", """{"text":"secured"}""" },
        { "GET", "/notes", null },
        { "GET", "/notes/all", null },
        { "GET", "/notes/424242", null },             // 404 problem
        { "POST", "/notes", """{"text":""}""" },      // 422, raised as an exception
        { "POST", "/notes", """{"text":""" },         // 400, malformed
        { "DELETE", "/notes", null },                 // 405
        { "GET", "/no/such/path", null },             // 404 from routing
        { "GET", "/health/ready", null },
        { "GET", "/health/live", null },
        { "GET", "/openapi.json", null },
        { "OPTIONS", "/notes", null },                // preflight
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Should_send_the_security_headers_and_a_strict_policy_with_every_api_answer(string method, string path, string? body)
    {
        using var client = api.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = body is null ? null : HttpJson.AsJson(body) };
        if (method == "OPTIONS")
        {
            request.Headers.Add("Origin", "http://localhost:5000");
            request.Headers.Add("Access-Control-Request-Method", "POST");
        }

        var response = await client.SendAsync(request);

        ShouldHaveSecurityHeaders(response);
        response.Headers.GetValues("Content-Security-Policy").Single().ShouldStartWith("default-src 'none'");
    }

    [Fact]
    public async Task Should_let_the_docs_page_run_its_own_scripts_and_its_inline_script_by_hash_only()
    {
        using var client = api.CreateClient();

        var response = await client.GetAsync("/docs/");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        ShouldHaveSecurityHeaders(response);
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        var scripts = policy.Split(';').Select(directive => directive.Trim()).Single(directive => directive.StartsWith("script-src ", StringComparison.Ordinal));
        scripts.ShouldStartWith("script-src 'self' 'sha256-");
        scripts.ShouldNotContain("unsafe");
        policy.ShouldContain("connect-src 'self'");
        policy.ShouldContain("frame-ancestors 'none'");

        // the page's inline script is the one the hash allows
        var html = await response.Content.ReadAsStringAsync();
        var inline = System.Text.RegularExpressions.Regex.Match(html, "<script type=\"module\">(?<code>.*?)</script>", System.Text.RegularExpressions.RegexOptions.Singleline);
        inline.Success.ShouldBeTrue(html);
        var hash = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(inline.Groups["code"].Value)));
        scripts.ShouldContain($"'sha256-{hash}'");
    }

    private static void ShouldHaveSecurityHeaders(HttpResponseMessage response)
    {
        response.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
        response.Headers.GetValues("X-Frame-Options").ShouldBe(["DENY"]);
        response.Headers.GetValues("Referrer-Policy").ShouldBe(["no-referrer"]);
        response.Headers.Contains("Content-Security-Policy").ShouldBeTrue();
    }
}

/// <summary>What Kestrel itself adds to answers (the in-memory test server adds nothing).</summary>
public sealed class ServerHeaderTests(NotesApiOverKestrel api) : IClassFixture<NotesApiOverKestrel>
{
    private static readonly string[] Paths = ["/notes", "/notes/424242", "/health/live"];

    [Fact]
    public async Task Should_not_say_what_server_answers_a_note_a_problem_or_a_probe()
    {
        using var client = new HttpClient { BaseAddress = api.Address };

        var responses = await Task.WhenAll(Paths.Select(path => client.GetAsync(path)));

        responses.ShouldAllBe(response => !response.Headers.Contains("Server"));
    }
}
