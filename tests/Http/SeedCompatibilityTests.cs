using System.Net;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Http;

/// <summary>What the seed's clients send, accepted as the seed accepted it.</summary>
public sealed class SeedCompatibilityTests(NotesApi api) : IClassFixture<NotesApi>
{
    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/octet-stream")]
    public async Task Should_read_a_json_body_whatever_content_type_it_declares(string contentType)
    {
        using var client = api.CreateClient();
        using var content = new StringContent("{\"text\":\"typed\",\"completed\":true}");
        content.Headers.ContentType = new(contentType);

        var note = await (await client.PostAsync("/notes", content)).ShouldBeNoteAsync();

        note.Text().ShouldBe("typed");
        note.Completed().ShouldBeTrue();
    }

    [Theory]
    [InlineData("\"true\"", true)]
    [InlineData("\"false\"", false)]
    [InlineData("\"True\"", true)]
    [InlineData("\"FALSE\"", false)]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public async Task Should_accept_booleans_and_boolean_strings_for_completed(string completed, bool expected)
    {
        using var client = api.CreateClient();

        var note = await (await client.PostAsync("/notes", HttpJson.AsJson($"{{\"text\":\"flag\",\"completed\":{completed}}}"))).ShouldBeNoteAsync();

        note.Completed().ShouldBe(expected);
    }

    [Fact]
    public async Task Should_answer_200_not_201_on_create_with_the_location_of_the_note()
    {
        using var client = api.CreateClient();

        var response = await client.PostAsync("/notes", HttpJson.AsJson("{\"text\":\"located\"}"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var note = await response.ShouldBeNoteAsync();
        response.Headers.Location.ShouldNotBeNull().ToString().ShouldBe($"/notes/{note.Id()}");
        (await client.GetAsync(response.Headers.Location)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
