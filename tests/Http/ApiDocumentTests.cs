using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Http;

public sealed class ApiDocumentTests(NotesApi api) : IClassFixture<NotesApi>
{
    [Theory]
    [InlineData("/notes", "post", new[] { "200", "400", "413", "422", "503" })]
    [InlineData("/notes", "get", new[] { "200", "400", "422", "503" })]
    [InlineData("/notes/all", "get", new[] { "200", "503" })]
    [InlineData("/notes/{id}", "get", new[] { "200", "404", "503" })]
    [InlineData("/notes/{id}", "put", new[] { "200", "400", "404", "409", "412", "413", "422", "503" })]
    [InlineData("/notes/{id}", "delete", new[] { "200", "404", "503" })]
    public async Task Should_describe_every_route_with_its_responses(string path, string method, string[] statuses)
    {
        var document = await OpenApiDocument();

        var operation = document["paths"]![path]![method].ShouldNotBeNull($"{method} {path} is missing");
        operation["responses"]!.AsObject().Select(response => response.Key).ShouldBe(statuses, ignoreOrder: true);
    }

    [Fact]
    public async Task Should_list_exactly_the_routes_of_the_contract()
    {
        var document = await OpenApiDocument();

        document["paths"]!.AsObject().Select(path => path.Key).ShouldBe(["/notes", "/notes/all", "/notes/{id}"], ignoreOrder: true);
    }

    [Theory]
    [InlineData("Note")]
    [InlineData("CreateNoteCommand")]
    [InlineData("UpdateNoteBody")]
    [InlineData("DeleteNoteDeleted")]
    [InlineData("ProblemDetails")]
    [InlineData("HttpValidationProblemDetails")]
    public async Task Should_give_every_schema_an_example(string schema)
    {
        var document = await OpenApiDocument();

        document["components"]!["schemas"]![schema]!["examples"].ShouldBeOfType<JsonArray>().ShouldNotBeEmpty();
    }

    [Fact]
    public async Task Should_document_completed_as_a_boolean()
    {
        var document = await OpenApiDocument();

        document["components"]!["schemas"]!["Note"]!["properties"]!["completed"]!["type"]!.GetValue<string>().ShouldBe("boolean");
    }

    [Fact]
    public async Task Should_take_the_api_description_from_the_markdown_file()
    {
        var document = await OpenApiDocument();

        document["info"]!["title"]!.GetValue<string>().ShouldBe("Notes API");
        document["info"]!["description"]!.GetValue<string>().ShouldStartWith("A REST service for notes");
    }

    [Fact]
    public async Task Should_serve_interactive_docs_at_the_seed_path()
    {
        using var client = api.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = true });

        var response = await client.GetAsync("/docs");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("text/html");
        var page = await response.Content.ReadAsStringAsync();
        page.ShouldContain("openapi.json");
        // its script is served by the API itself, not from a CDN: the page works offline
        page.ShouldContain("<script src=\"scalar.js\">");
        (await client.GetAsync("/docs/scalar.js")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Should_answer_live_and_ready_while_the_database_answers()
    {
        using var client = api.CreateClient();

        (await client.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private async Task<JsonObject> OpenApiDocument()
    {
        using var client = api.CreateClient();
        var response = await client.GetAsync("/openapi.json");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync()).ShouldBeOfType<JsonObject>();
    }
}
