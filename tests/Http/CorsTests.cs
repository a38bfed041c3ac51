using System.Net;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Http;

/// <summary>
/// CORS from configuration: by default the API's own origin, http://localhost:5000 (what the seed meant), may call
/// it from a browser page; any other origin gets no Access-Control-Allow-Origin, so the browser keeps the answer
/// from the page.
/// </summary>
public sealed class CorsTests(NotesApi api) : IClassFixture<NotesApi>
{
    private const string OwnOrigin = "http://localhost:5000";
    private const string OtherOrigin = "https://evil.example";

    [Fact]
    public async Task Should_allow_a_preflight_from_the_default_origin_for_a_conditional_update()
    {
        using var client = api.CreateClient();

        var response = await client.SendAsync(Preflight("/notes/1", OwnOrigin, "PUT", "content-type, if-match"));

        response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        response.Headers.GetValues("Access-Control-Allow-Origin").ShouldBe([OwnOrigin]);
        string.Join(",", response.Headers.GetValues("Access-Control-Allow-Methods")).ShouldContain("PUT");
        string.Join(",", response.Headers.GetValues("Access-Control-Allow-Headers")).ToUpperInvariant().ShouldContain("IF-MATCH");
    }

    [Fact]
    public async Task Should_give_no_allow_origin_to_a_preflight_from_another_origin()
    {
        using var client = api.CreateClient();

        var response = await client.SendAsync(Preflight("/notes", OtherOrigin, "POST", "content-type"));

        response.Headers.Contains("Access-Control-Allow-Origin").ShouldBeFalse();
        response.Headers.Contains("Access-Control-Allow-Methods").ShouldBeFalse();
    }

    [Fact]
    public async Task Should_let_the_allowed_origin_read_answers_and_their_etag_but_not_another_origin()
    {
        using var client = api.CreateClient();
        var created = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/notes")
        {
            Content = HttpJson.AsJson("""{"text":"from a browser page"}"""),
            Headers = { { "Origin", OwnOrigin } },
        });
        created.StatusCode.ShouldBe(HttpStatusCode.OK);
        created.Headers.GetValues("Access-Control-Allow-Origin").ShouldBe([OwnOrigin]);
        string.Join(",", created.Headers.GetValues("Access-Control-Expose-Headers")).ShouldContain("ETag");

        var refused = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/notes") { Headers = { { "Origin", OtherOrigin } } });

        refused.Headers.Contains("Access-Control-Allow-Origin").ShouldBeFalse();
    }

    [Fact]
    public async Task Should_let_the_allowed_origin_read_a_problem_raised_by_an_exception()
    {
        using var client = api.CreateClient();

        var rejected = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/notes")
        {
            Content = HttpJson.AsJson("""{"text":"   "}"""),
            Headers = { { "Origin", OwnOrigin } },
        });

        await rejected.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        rejected.Headers.GetValues("Access-Control-Allow-Origin").ShouldBe([OwnOrigin]);
    }

    internal static HttpRequestMessage Preflight(string path, string origin, string method, string headers) =>
        new(HttpMethod.Options, path)
        {
            Headers =
            {
                { "Origin", origin },
                { "Access-Control-Request-Method", method },
                { "Access-Control-Request-Headers", headers },
            },
        };
}

/// <summary><c>Cors:AllowedOrigins</c> replaces the default: the listed origins are allowed, and only they.</summary>
public sealed class ConfiguredCorsTests(ConfiguredCorsTests.Api api) : IClassFixture<ConfiguredCorsTests.Api>
{
    public sealed class Api() : ConfiguredNotesApi(new Dictionary<string, string?>
    {
        ["Cors:AllowedOrigins:0"] = "https://notes.example.com",
        ["Cors:AllowedOrigins:1"] = "http://127.0.0.1:8080/",
    });

    [Theory]
    [InlineData("https://notes.example.com", true)]
    [InlineData("http://127.0.0.1:8080", true)]
    [InlineData("http://localhost:5000", false)]
    [InlineData("https://notes.example.com.evil.example", false)]
    [InlineData("http://notes.example.com", false)]
    public async Task Should_allow_exactly_the_configured_origins(string origin, bool allowed)
    {
        using var client = api.CreateClient();

        var response = await client.SendAsync(CorsTests.Preflight("/notes", origin, "POST", "content-type"));

        if (allowed)
        {
            response.Headers.GetValues("Access-Control-Allow-Origin").ShouldBe([origin]);
        }
        else
        {
            response.Headers.Contains("Access-Control-Allow-Origin").ShouldBeFalse();
        }
    }
}
