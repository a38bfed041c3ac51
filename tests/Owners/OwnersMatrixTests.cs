using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Notes.Tests.Http;

namespace Notes.Tests.Owners;

/// <summary>
/// Two people signed in with tokens of the same provider, every endpoint, every outcome: each sees, changes, counts,
/// searches, pages, exports and imports only their own notes, and another's note is 404 (never 403), whatever the
/// request, so an id tells nothing about whether it exists.
/// </summary>
public sealed class OwnersMatrixTests(BearerTokenTests.SignedInApi api) : IClassFixture<BearerTokenTests.SignedInApi>
{
    public static TheoryData<string> RequestsOnOneNote => new(
        "GET", "GET If-None-Match", "HEAD", "PUT", "PUT If-Match", "PUT If-None-Match *", "PATCH", "PATCH If-Match", "DELETE", "DELETE If-Match");

    [Theory]
    [MemberData(nameof(RequestsOnOneNote))]
    public async Task Should_answer_404_to_any_request_on_another_owners_note_and_leave_it_as_it_was(string request)
    {
        using var alice = api.ClientWith(api.Issuer.Token("alice"));
        using var bob = api.ClientWith(api.Issuer.Token("bob"));
        var note = await (await alice.PostAsJsonAsync("/notes", new { text = "alice's" })).ShouldBeNoteAsync();
        var before = await (await alice.GetAsync($"/notes/{note.Id()}")).Content.ReadAsStringAsync();

        using var response = await bob.SendAsync(OnNote(request, note.Id()));

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        if (request != "HEAD")
        {
            (await response.ShouldBeProblemAsync(HttpStatusCode.NotFound))["detail"]!.GetValue<string>().ShouldContain($"{note.Id()}");
        }

        (await (await alice.GetAsync($"/notes/{note.Id()}")).Content.ReadAsStringAsync()).ShouldBe(before);
    }

    [Theory]
    [MemberData(nameof(RequestsOnOneNote))]
    public async Task Should_answer_the_owner_as_before_owners(string request)
    {
        using var alice = api.ClientWith(api.Issuer.Token("alice"));
        var note = await (await alice.PostAsJsonAsync("/notes", new { text = "alice's" })).ShouldBeNoteAsync();

        using var response = await alice.SendAsync(OnNote(request, note.Id()));

        response.StatusCode.ShouldBe(request switch
        {
            "GET If-None-Match" => HttpStatusCode.NotModified,
            "PUT If-None-Match *" => HttpStatusCode.PreconditionFailed,
            _ => HttpStatusCode.OK,
        });
    }

    [Fact]
    public async Task Should_list_count_search_page_and_export_only_the_callers_notes()
    {
        var (aliceToken, bobToken) = (api.Issuer.Token($"alice-{Guid.NewGuid():N}"), api.Issuer.Token($"bob-{Guid.NewGuid():N}"));
        using var alice = api.ClientWith(aliceToken);
        using var bob = api.ClientWith(bobToken);
        for (var i = 0; i < 3; i++)
        {
            await (await alice.PostAsJsonAsync("/notes", new { text = $"shared word, alice {i}" })).ShouldBeNoteAsync();
        }

        var bobs = new List<int>();
        for (var i = 0; i < 2; i++)
        {
            bobs.Add((await (await bob.PostAsJsonAsync("/notes", new { text = $"shared word, bob {i}", completed = i == 1 })).ShouldBeNoteAsync()).Id());
        }

        (await IdsAsync(bob, "/notes")).ShouldBe(bobs);
        (await IdsAsync(bob, "/notes?q=shared")).ShouldBe(bobs);
        (await IdsAsync(bob, "/notes?completed=true")).ShouldBe([bobs[1]]);
        (await IdsAsync(bob, "/notes?sort=-createdAt")).ShouldBe(bobs.AsEnumerable().Reverse());
        (await IdsAsync(bob, $"/notes?after={bobs[0]}")).ShouldBe([bobs[1]]);
        (await IdsAsync(bob, "/notes/all")).ShouldBe(bobs);
        (await IdsAsync(alice, "/notes/all")).Count.ShouldBe(3);

        using var counted = new HttpRequestMessage(HttpMethod.Get, "/notes?take=1") { Headers = { { "Prefer", "count=exact" } } };
        (await bob.SendAsync(counted)).Headers.GetValues("X-Total-Count").ShouldBe(["2"]);
        using var estimated = new HttpRequestMessage(HttpMethod.Get, "/notes?take=1") { Headers = { { "Prefer", "count=estimated" } } };
        (await alice.SendAsync(estimated)).Headers.GetValues("X-Total-Count").ShouldBe(["3"]);
    }

    [Theory]
    [InlineData("POST", "/notes/{0}/restore")]
    [InlineData("DELETE", "/notes/trash/{0}")]
    public async Task Should_answer_404_to_any_request_on_a_note_in_another_owners_trash_and_leave_it_there(string method, string path)
    {
        using var alice = api.ClientWith(api.Issuer.Token("alice"));
        using var bob = api.ClientWith(api.Issuer.Token("bob"));
        var note = await (await alice.PostAsJsonAsync("/notes", new { text = "alice's, deleted" })).ShouldBeNoteAsync();
        await alice.DeleteAsync($"/notes/{note.Id()}");

        using var response = await bob.SendAsync(new HttpRequestMessage(new HttpMethod(method), string.Format(System.Globalization.CultureInfo.InvariantCulture, path, note.Id())));

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        (await IdsAsync(alice, "/notes/trash?take=1000")).ShouldContain(note.Id());
        (await alice.PostAsync($"/notes/{note.Id()}/restore", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Should_list_and_empty_the_callers_trash_alone()
    {
        using var alice = api.ClientWith(api.Issuer.Token($"alice-{Guid.NewGuid():N}"));
        using var bob = api.ClientWith(api.Issuer.Token($"bob-{Guid.NewGuid():N}"));
        var note = await (await alice.PostAsJsonAsync("/notes", new { text = "alice's, deleted" })).ShouldBeNoteAsync();
        await alice.DeleteAsync($"/notes/{note.Id()}");

        (await IdsAsync(bob, "/notes/trash")).ShouldBeEmpty();
        (await (await bob.DeleteAsync("/notes/trash")).Content.ReadFromJsonAsync<JsonObject>())!["deleted"]!.GetValue<int>().ShouldBe(0);

        (await IdsAsync(alice, "/notes/trash")).ShouldBe([note.Id()]);
    }

    [Fact]
    public async Task Should_import_into_the_callers_notes_alone()
    {
        using var alice = api.ClientWith(api.Issuer.Token($"alice-{Guid.NewGuid():N}"));
        using var bob = api.ClientWith(api.Issuer.Token($"bob-{Guid.NewGuid():N}"));

        var imported = await (await bob.PostAsJsonAsync("/notes/import", new[] { new { text = "one" }, new { text = "two" } })).Content.ReadFromJsonAsync<JsonObject>();

        imported!["imported"]!.GetValue<int>().ShouldBe(2);
        (await IdsAsync(bob, "/notes")).Count.ShouldBe(2);
        (await IdsAsync(alice, "/notes")).ShouldBeEmpty();
        (await alice.GetAsync($"/notes/{imported["firstId"]}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    private static HttpRequestMessage OnNote(string request, int id)
    {
        var path = $"/notes/{id}";
        return request switch
        {
            "GET" => new(HttpMethod.Get, path),
            "GET If-None-Match" => new(HttpMethod.Get, path) { Headers = { { "If-None-Match", "\"1\"" } } },
            "HEAD" => new(HttpMethod.Head, path),
            "PUT" => new(HttpMethod.Put, path) { Content = JsonContent.Create(new { text = "changed", completed = true }) },
            "PUT If-Match" => new(HttpMethod.Put, path) { Content = JsonContent.Create(new { text = "changed", completed = true }), Headers = { { "If-Match", "\"1\"" } } },
            "PUT If-None-Match *" => new(HttpMethod.Put, path) { Content = JsonContent.Create(new { text = "changed", completed = true }), Headers = { { "If-None-Match", "*" } } },
            "PATCH" => new(HttpMethod.Patch, path) { Content = JsonContent.Create(new { completed = true }) },
            "PATCH If-Match" => new(HttpMethod.Patch, path) { Content = JsonContent.Create(new { completed = true }), Headers = { { "If-Match", "\"1\"" } } },
            "DELETE" => new(HttpMethod.Delete, path),
            "DELETE If-Match" => new(HttpMethod.Delete, path) { Headers = { { "If-Match", "\"1\"" } } },
            _ => throw new ArgumentOutOfRangeException(nameof(request), request, null),
        };
    }

    private static async Task<List<int>> IdsAsync(HttpClient client, string path) =>
        [.. (await (await client.GetAsync(path)).ShouldBeNoteArrayAsync()).Select(note => note!.AsObject().Id())];
}
