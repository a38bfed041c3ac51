using System.Net.Http.Json;
using Notes.Tests.Infrastructure;
using Npgsql;

namespace Notes.Tests.Http;

/// <summary>Prefer: count=estimated past its limit (10 here), over 30 notes the planner has statistics of.</summary>
public sealed class EstimatedCountTests(EstimatedCountTests.ThirtyAnalysedNotes api) : IClassFixture<EstimatedCountTests.ThirtyAnalysedNotes>
{
    public sealed class ThirtyAnalysedNotes : NotesApi
    {
        protected override IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?> { ["Lists:ExactCountLimit"] = "10" };

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            using var client = CreateClient();
            for (var i = 1; i <= 30; i++)
            {
                await client.PostAsJsonAsync("/notes", new { text = i <= 4 ? $"rare {i}" : $"common {i}", completed = false });
            }

            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            await using var analyse = new NpgsqlCommand($"analyze {Table.Name}", connection);
            await analyse.ExecuteNonQueryAsync();
        }
    }

    private readonly HttpClient _client = api.CreateClient();

    [Fact]
    public async Task Should_give_the_planner_estimate_and_say_so_when_more_notes_match_than_the_limit()
    {
        var response = await ListingTests.GetAsync(_client, "/notes?take=5", "count=estimated");

        (await response.ShouldBeNoteArrayAsync()).Count.ShouldBe(5);
        response.Headers.GetValues("Preference-Applied").ShouldBe(["count=estimated"]);
        response.Headers.GetValues("X-Total-Count").ShouldBe(["30"]); // reltuples after ANALYZE
    }

    [Fact]
    public async Task Should_count_exactly_and_say_so_when_no_more_notes_match_than_the_limit()
    {
        var response = await ListingTests.GetAsync(_client, "/notes?q=rare", "count=estimated");

        (await response.ShouldBeNoteArrayAsync()).Count.ShouldBe(4);
        response.Headers.GetValues("Preference-Applied").ShouldBe(["count=exact"]);
        response.Headers.GetValues("X-Total-Count").ShouldBe(["4"]);
    }

    [Fact]
    public async Task Should_count_exactly_past_the_limit_when_prefer_asks_for_the_exact_count()
    {
        var response = await ListingTests.GetAsync(_client, "/notes?q=common", "count=exact");

        response.Headers.GetValues("Preference-Applied").ShouldBe(["count=exact"]);
        response.Headers.GetValues("X-Total-Count").ShouldBe(["26"]);
    }
}
