using System.Net.Http.Json;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Http;

/// <summary>The seed README's curl lines and its locust user, in order, against a fresh database.</summary>
public sealed class SeedReadmeTests(NotesApi api) : IClassFixture<NotesApi>
{
    [Fact]
    public async Task Should_answer_the_seed_readme_curl_lines_as_the_seed_did()
    {
        using var client = api.CreateClient();

        // curl -i -X POST http://localhost:5000/notes --data "{\"text\":\"Test\",\"completed\":\"false\"}"
        var created = await (await client.PostAsync("/notes", HttpJson.AsCurlData("{\"text\":\"Test\",\"completed\":\"false\"}"))).ShouldBeNoteAsync();
        created.Id().ShouldBe(1);
        created.Text().ShouldBe("Test");
        created.Completed().ShouldBeFalse();

        // curl -i -X GET http://localhost:5000/notes
        var all = await (await client.GetAsync("/notes")).ShouldBeNoteArrayAsync();
        var only = all.ShouldHaveSingleItem().ShouldNotBeNull().AsObject();
        only.Id().ShouldBe(1);
        only.Text().ShouldBe("Test");
        only.Completed().ShouldBeFalse();

        // the seed's locust user: posts JSON with a string boolean, then reads /notes/1
        var second = await (await client.PostAsJsonAsync("/notes", new { completed = "true", text = "bar" })).ShouldBeNoteAsync();
        second.Id().ShouldBe(2);
        second.Completed().ShouldBeTrue();
        (await (await client.GetAsync("/notes/1")).ShouldBeNoteAsync()).Text().ShouldBe("Test");
    }
}
