using System.Net;
using System.Net.Http.Json;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Http;

/// <summary>GET /notes and /notes/all with filters, search, orders and cursors, as a client sees them.</summary>
public sealed class ListingTests(ListingTests.ThirtyNotes api) : IClassFixture<ListingTests.ThirtyNotes>
{
    public sealed class ThirtyNotes : NotesApi
    {
        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            using var client = CreateClient();
            for (var i = 1; i <= 30; i++)
            {
                await client.PostAsJsonAsync("/notes", new { text = i % 3 == 0 ? $"buy milk {i}" : $"call {i}", completed = i % 2 == 0 });
            }
        }
    }

    private readonly HttpClient _client = api.CreateClient();

    [Fact]
    public async Task Should_link_the_next_page_while_pages_are_full_and_count_nothing_unless_asked()
    {
        var response = await _client.GetAsync("/notes?take=10");

        (await response.ShouldBeNoteArrayAsync()).Count.ShouldBe(10);
        response.Headers.GetValues("Link").ShouldBe(["</notes?take=10&after=10>; rel=\"next\""]);
        response.Headers.Contains("X-Total-Count").ShouldBeFalse();
        response.Headers.Contains("Preference-Applied").ShouldBeFalse();
        response.Headers.Vary.ShouldContain("Prefer");
    }

    [Theory]
    [InlineData("count=exact")]
    [InlineData("COUNT=Exact")]
    [InlineData("return=minimal, count=exact")]
    [InlineData("count=exact, count=estimated")]
    [InlineData("handling=lenient,count=exact;x=y")]
    public async Task Should_count_every_matching_note_when_prefer_asks_for_the_exact_count(string prefer)
    {
        var response = await GetAsync(_client, "/notes?take=10", prefer);

        (await response.ShouldBeNoteArrayAsync()).Count.ShouldBe(10);
        response.Headers.GetValues("X-Total-Count").ShouldBe(["30"]);
        response.Headers.GetValues("Preference-Applied").ShouldBe(["count=exact"]);
    }

    [Theory]
    [InlineData("count=planned")]
    [InlineData("count")]
    [InlineData("return=representation")]
    public async Task Should_ignore_a_count_preference_it_does_not_know(string prefer)
    {
        var response = await GetAsync(_client, "/notes?take=10", prefer);

        (await response.ShouldBeNoteArrayAsync()).Count.ShouldBe(10);
        response.Headers.Contains("X-Total-Count").ShouldBeFalse();
        response.Headers.Contains("Preference-Applied").ShouldBeFalse();
    }

    [Fact]
    public async Task Should_count_exactly_under_the_limit_when_prefer_asks_for_an_estimate()
    {
        var response = await GetAsync(_client, "/notes?completed=true&q=mil", "count=estimated");

        (await response.ShouldBeNoteArrayAsync()).Count.ShouldBe(5);
        response.Headers.GetValues("X-Total-Count").ShouldBe(["5"]);
        response.Headers.GetValues("Preference-Applied").ShouldBe(["count=exact"]);
    }

    [Fact]
    public async Task Should_follow_links_through_a_filtered_sorted_list_to_its_end_keeping_the_filters()
    {
        var ids = new List<int>();
        var next = "/notes?take=2&completed=true&q=mil&sort=-createdAt";
        var pages = 0;
        while (next is not null)
        {
            var response = await GetAsync(_client, next, "count=exact");
            var page = await response.ShouldBeNoteArrayAsync();
            response.Headers.GetValues("X-Total-Count").ShouldBe(["5"]);
            ids.AddRange(page.Select(note => note!.AsObject().Id()));
            next = response.Headers.TryGetValues("Link", out var links)
                ? links.Single().Split(';')[0].Trim('<', '>')
                : null;
            next?.ShouldContain("completed=true");
            next?.ShouldContain("q=mil");
            next?.ShouldContain("sort=-createdAt");
            pages++;
        }

        ids.ShouldBe([30, 24, 18, 12, 6]);
        pages.ShouldBe(3);
    }

    [Fact]
    public async Task Should_not_link_a_next_page_after_a_page_that_is_not_full()
    {
        var response = await GetAsync(_client, "/notes?skip=25&take=10", "count=exact");

        (await response.ShouldBeNoteArrayAsync()).Count.ShouldBe(5);
        response.Headers.Contains("Link").ShouldBeFalse();
        response.Headers.GetValues("X-Total-Count").ShouldBe(["30"]);
    }

    [Fact]
    public async Task Should_page_with_skip_exactly_as_the_seed_did()
    {
        var all = await (await _client.GetAsync("/notes/all")).ShouldBeNoteArrayAsync();
        var window = await (await _client.GetAsync("/notes?skip=3&take=5")).ShouldBeNoteArrayAsync();

        window.Select(note => note!.AsObject().Id()).ShouldBe(all.Select(note => note!.AsObject().Id()).Skip(3).Take(5));
    }

    [Fact]
    public async Task Should_stream_every_matching_note_in_the_order_asked()
    {
        var notes = await (await _client.GetAsync("/notes/all?completed=false&q=buy&sort=-id")).ShouldBeNoteArrayAsync();

        notes.Select(note => note!.AsObject().Id()).ShouldBe([27, 21, 15, 9, 3]);
    }

    [Theory]
    [InlineData("/notes?sort=colour", "sort")]
    [InlineData("/notes?after=abc", "after")]
    [InlineData("/notes?sort=createdAt&after=12", "after")]
    [InlineData("/notes?q=mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm", "q")]
    [InlineData("/notes/all?sort=colour", "sort")]
    public async Task Should_answer_422_naming_the_value_that_breaks_a_rule(string url, string field)
    {
        var problem = await (await _client.GetAsync(url)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);

        problem.Errors(field).ShouldHaveSingleItem();
    }

    [Theory]
    [InlineData("/notes?completed=maybe", "'completed' must be true or false, not 'maybe'.")]
    [InlineData("/notes/all?completed=1", "'completed' must be true or false, not '1'.")]
    public async Task Should_answer_400_to_a_completed_filter_that_is_not_a_boolean(string url, string detail)
    {
        var problem = await (await _client.GetAsync(url)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        problem["detail"]!.GetValue<string>().ShouldBe(detail);
    }

    [Fact]
    public async Task Should_name_the_allowed_sort_keys_when_one_is_unknown()
    {
        var problem = await (await _client.GetAsync("/notes?sort=colour")).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);

        problem.Errors("sort").Single().ShouldContain("id, -id, createdAt, -createdAt, updatedAt, -updatedAt");
    }

    /// <summary>A GET with a Prefer header, as a client asking for a count sends it.</summary>
    public static Task<HttpResponseMessage> GetAsync(HttpClient client, string url, string prefer)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Prefer", prefer);
        return client.SendAsync(request);
    }
}
