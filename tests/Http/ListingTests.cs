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
    public async Task Should_count_every_matching_note_and_link_the_next_page_while_pages_are_full()
    {
        var response = await _client.GetAsync("/notes?take=10");

        (await response.ShouldBeNoteArrayAsync()).Count.ShouldBe(10);
        response.Headers.GetValues("X-Total-Count").ShouldBe(["30"]);
        response.Headers.GetValues("Link").ShouldBe(["</notes?take=10&after=10>; rel=\"next\""]);
    }

    [Fact]
    public async Task Should_follow_links_through_a_filtered_sorted_list_to_its_end_keeping_the_filters()
    {
        var ids = new List<int>();
        var next = "/notes?take=2&completed=true&q=mil&sort=-createdAt";
        var pages = 0;
        while (next is not null)
        {
            var response = await _client.GetAsync(next);
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
        var response = await _client.GetAsync("/notes?skip=25&take=10");

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
}
