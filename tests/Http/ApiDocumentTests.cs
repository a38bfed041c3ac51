using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Http;

public sealed class ApiDocumentTests(NotesApi api) : IClassFixture<NotesApi>
{
    [Theory]
    [InlineData("/notes", "post", new[] { "200", "400", "409", "413", "415", "422", "503", "507" })]
    [InlineData("/notes", "get", new[] { "200", "400", "422", "503" })]
    [InlineData("/notes/all", "get", new[] { "200", "400", "422", "503" })]
    [InlineData("/notes/{id}", "get", new[] { "200", "304", "404", "503" })]
    [InlineData("/notes/{id}", "put", new[] { "200", "400", "404", "412", "413", "415", "422", "503" })]
    [InlineData("/notes/{id}", "patch", new[] { "200", "400", "404", "409", "412", "413", "415", "422", "503" })]
    [InlineData("/notes/{id}", "delete", new[] { "200", "404", "412", "503" })]
    [InlineData("/notes/import", "post", new[] { "200", "400", "409", "413", "415", "422", "503", "507" })]
    [InlineData("/notes/trash", "get", new[] { "200", "400", "422", "503" })]
    [InlineData("/notes/trash", "delete", new[] { "200", "503" })]
    [InlineData("/notes/trash/{id}", "delete", new[] { "200", "404", "503" })]
    [InlineData("/notes/{id}/restore", "post", new[] { "200", "404", "503" })]
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

        document["paths"]!.AsObject().Select(path => path.Key).ShouldBe(
            ["/notes", "/notes/all", "/notes/changes", "/notes/{id}", "/notes/import", "/notes/trash", "/notes/trash/{id}", "/notes/{id}/restore"], ignoreOrder: true);
    }

    [Theory]
    [InlineData("Note")]
    [InlineData("CreateNoteCommand")]
    [InlineData("UpdateNoteBody")]
    [InlineData("PatchNoteBody")]
    [InlineData("ImportNotesItem")]
    [InlineData("ImportNotesResult")]
    [InlineData("DeleteNoteDeleted")]
    [InlineData("ListTrashTrashed")]
    [InlineData("EmptyTrashEmptied")]
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

    [Theory]
    [InlineData("CreateNoteCommand", new[] { "text" })]
    [InlineData("UpdateNoteBody", new[] { "text", "completed" })]
    [InlineData("PatchNoteBody", new string[0])]
    public async Task Should_say_which_members_a_body_requires_and_type_completed_as_a_boolean_never_null(string schema, string[] required)
    {
        var body = (await OpenApiDocument())["components"]!["schemas"]![schema]!;

        (body["required"]?.AsArray().Select(name => name!.GetValue<string>()) ?? []).ShouldBe(required, ignoreOrder: true);
        body["properties"]!["completed"]!["type"]!.GetValue<string>().ShouldBe("boolean");
        body["properties"]!["text"]!["type"]!.GetValue<string>().ShouldBe("string");
        body["properties"]!["text"]!["maxLength"]!.GetValue<int>().ShouldBe(100);
        body["properties"]!["text"]!["minLength"]!.GetValue<int>().ShouldBe(1);
    }

    [Theory]
    [InlineData("skip", 0, int.MaxValue)]
    [InlineData("take", 1, 1000)]
    public async Task Should_give_the_paging_values_their_bounds(string name, int minimum, int maximum)
    {
        var parameters = (await OpenApiDocument())["paths"]!["/notes"]!["get"]!["parameters"]!.AsArray();

        var schema = parameters.Single(parameter => parameter!["name"]!.GetValue<string>() == name)!["schema"]!;
        schema["minimum"]!.GetValue<int>().ShouldBe(minimum);
        schema["maximum"]!.GetValue<int>().ShouldBe(maximum);
    }

    [Fact]
    public async Task Should_tag_every_notes_operation_Notes_once()
    {
        var document = await OpenApiDocument();

        var operations = document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()).ToList();
        operations.Count.ShouldBe(13);
        foreach (var (method, operation) in operations)
        {
            operation!["tags"]!.AsArray().Select(tag => (string?)tag).ShouldBe(["Notes"], method);
        }
    }

    [Fact]
    public void Should_tag_every_notes_endpoint_Notes_itself_not_by_the_application_name()
    {
        var endpoints = api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.RoutePattern.RawText!.StartsWith("/notes", StringComparison.Ordinal))
            .ToList();

        endpoints.Count.ShouldBe(13);
        foreach (var endpoint in endpoints)
        {
            endpoint.Metadata.GetOrderedMetadata<ITagsMetadata>().SelectMany(tags => tags.Tags).ShouldBe(["Notes"], endpoint.DisplayName);
        }
    }

    [Theory]
    [InlineData("/notes", "post", new[] { "ETag", "Location" })]
    [InlineData("/notes/{id}", "get", new[] { "ETag" })]
    [InlineData("/notes/{id}", "put", new[] { "ETag" })]
    [InlineData("/notes/{id}", "patch", new[] { "ETag" })]
    [InlineData("/notes/{id}/restore", "post", new[] { "ETag", "Location" })]
    public async Task Should_describe_the_headers_of_a_note_answer(string path, string method, string[] headers)
    {
        var ok = (await OpenApiDocument())["paths"]![path]![method]!["responses"]!["200"]!;

        ok["headers"]!.AsObject().Select(header => header.Key).ShouldBe(headers, ignoreOrder: true);
    }

    [Fact]
    public async Task Should_take_the_api_description_from_the_markdown_file()
    {
        var document = await OpenApiDocument();

        document["info"]!["title"]!.GetValue<string>().ShouldBe("Notes API");
        document["info"]!["description"]!.GetValue<string>().ShouldStartWith("A REST service for notes");
    }

    [Fact]
    public async Task Should_describe_ids_as_64_bit_integers_unique_but_not_ordered_by_time()
    {
        var document = await OpenApiDocument();

        var id = document["components"]!["schemas"]!["Note"]!["properties"]!["id"]!;
        id["format"]!.GetValue<string>().ShouldBe("int64");
        id["description"]!.GetValue<string>().ShouldContain("unique, not ordered by time");
        var description = document["info"]!["description"]!.GetValue<string>();
        description.ShouldContain("ids are unique, not ordered by time");
        description.ShouldContain("pages a list, it does not follow new notes");
        description.ShouldNotContain("always increase");
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
