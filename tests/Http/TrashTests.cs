using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Http;

/// <summary>The trash over HTTP: what a DELETE leaves, the trash's pages, restore, and deletes for good, as a client sees them.</summary>
public sealed class TrashTests(NotesApi api) : IClassFixture<NotesApi>
{
    private readonly HttpClient _client = api.CreateClient();

    [Fact]
    public async Task Should_answer_a_delete_as_the_seed_did_and_list_the_note_in_the_trash_with_deleted_at()
    {
        var note = await (await _client.PostAsJsonAsync("/notes", new { text = "Into the trash ✂️" })).ShouldBeNoteAsync();

        var deleted = await _client.DeleteAsync($"/notes/{note.Id()}");

        deleted.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await deleted.Content.ReadFromJsonAsync<JsonObject>())!["message"]!.GetValue<string>().ShouldBe($"Note with id {note.Id()} has been deleted.");
        await (await _client.GetAsync($"/notes/{note.Id()}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        var trashed = (await TrashAsync()).Single(item => item!["id"]!.GetValue<int>() == note.Id())!.AsObject();
        trashed.Select(property => property.Key).ShouldBe(["id", "text", "completed", "createdAt", "updatedAt", "deletedAt"]);
        trashed["text"]!.GetValue<string>().ShouldBe("Into the trash ✂️");
        trashed["deletedAt"]!.GetValue<DateTime>().ShouldBeGreaterThanOrEqualTo(note["createdAt"]!.GetValue<DateTime>());
    }

    [Fact]
    public async Task Should_restore_a_note_with_a_new_etag_and_answer_404_for_one_not_in_the_trash()
    {
        var created = await _client.PostAsJsonAsync("/notes", new { text = "Back again" });
        var note = await created.ShouldBeNoteAsync();
        await _client.DeleteAsync($"/notes/{note.Id()}");

        var restored = await _client.PostAsync($"/notes/{note.Id()}/restore", null);

        (await restored.ShouldBeNoteAsync()).ToJsonString().ShouldBe(note.ToJsonString());
        restored.Headers.ETag.ShouldNotBeNull().Tag.ShouldNotBe(created.Headers.ETag!.Tag);
        restored.Headers.Location!.ToString().ShouldBe($"/notes/{note.Id()}");
        (await _client.GetAsync($"/notes/{note.Id()}")).Headers.ETag!.Tag.ShouldBe(restored.Headers.ETag!.Tag);
        var again = await (await _client.PostAsync($"/notes/{note.Id()}/restore", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        again["detail"]!.GetValue<string>().ShouldBe($"Note with id {note.Id()} is not in the trash.");
    }

    [Fact]
    public async Task Should_delete_one_note_for_good_then_empty_the_trash_and_say_how_many()
    {
        var ids = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            var note = await (await _client.PostAsJsonAsync("/notes", new { text = $"trash {i}" })).ShouldBeNoteAsync();
            await _client.DeleteAsync($"/notes/{note.Id()}");
            ids.Add(note.Id());
        }

        var one = await _client.DeleteAsync($"/notes/trash/{ids[0]}");
        (await one.Content.ReadFromJsonAsync<JsonObject>())!["message"]!.GetValue<string>().ShouldBe($"Note with id {ids[0]} has been deleted for good.");
        await (await _client.DeleteAsync($"/notes/trash/{ids[0]}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await _client.PostAsync($"/notes/{ids[0]}/restore", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound);

        var emptied = await _client.DeleteAsync("/notes/trash");

        emptied.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = (await emptied.Content.ReadFromJsonAsync<JsonObject>())!;
        body["deleted"]!.GetValue<int>().ShouldBeGreaterThanOrEqualTo(2);
        body["message"]!.GetValue<string>().ShouldStartWith("The trash has been emptied: ");
        (await TrashAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_page_the_trash_by_the_link_header()
    {
        await _client.DeleteAsync("/notes/trash");
        for (var i = 0; i < 5; i++)
        {
            var note = await (await _client.PostAsJsonAsync("/notes", new { text = $"paged {i}" })).ShouldBeNoteAsync();
            await _client.DeleteAsync($"/notes/{note.Id()}");
        }

        var texts = new List<string>();
        var next = "/notes/trash?take=2";
        var pages = 0;
        while (next is not null && pages++ < 10)
        {
            var page = await _client.GetAsync(next);
            texts.AddRange((await page.ShouldBeNoteArrayAsync()).Select(note => note!["text"]!.GetValue<string>()));
            next = page.Headers.TryGetValues("Link", out var links) ? links.Single().Split(['<', '>'])[1] : null;
        }

        texts.ShouldBe(["paged 4", "paged 3", "paged 2", "paged 1", "paged 0"]);
    }

    [Theory]
    [InlineData("take=0", "take")]
    [InlineData("take=1001", "take")]
    [InlineData("skip=-1", "skip")]
    [InlineData("after=garbage", "after")]
    [InlineData("after=1", "after")]
    public async Task Should_refuse_a_page_of_the_trash_it_cannot_give(string query, string field)
    {
        var problem = await (await _client.GetAsync($"/notes/trash?{query}")).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);

        problem.Errors(field).ShouldNotBeEmpty();
    }

    [Fact]
    public async Task Should_let_exactly_one_of_a_restore_and_a_delete_for_good_of_one_note_succeed()
    {
        for (var trial = 0; trial < 10; trial++)
        {
            var note = await (await _client.PostAsJsonAsync("/notes", new { text = $"raced {trial}" })).ShouldBeNoteAsync();
            await _client.DeleteAsync($"/notes/{note.Id()}");

            var answers = await Task.WhenAll(_client.PostAsync($"/notes/{note.Id()}/restore", null), _client.DeleteAsync($"/notes/trash/{note.Id()}"));

            answers.Count(answer => answer.StatusCode == HttpStatusCode.OK).ShouldBe(1, $"trial {trial}");
            answers.Count(answer => answer.StatusCode == HttpStatusCode.NotFound).ShouldBe(1, $"trial {trial}");
            (await _client.GetAsync($"/notes/{note.Id()}")).StatusCode.ShouldBe(answers[0].StatusCode, $"trial {trial}");
        }
    }

    private async Task<JsonArray> TrashAsync() => await (await _client.GetAsync("/notes/trash?take=1000")).ShouldBeNoteArrayAsync();
}
