using System.Net;
using System.Net.Http.Json;
using Notes.Tests.Http;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Telemetry;

/// <summary>
/// Metrics are process-wide (every host in the test process listens to the same meters), so these tests run on
/// their own, not beside other classes: what they count between two scrapes is exactly what they sent.
/// </summary>
[CollectionDefinition(nameof(MetricsTests), DisableParallelization = true)]
public sealed class MetricsRunAlone;

[Collection(nameof(MetricsTests))]
public sealed class MetricsTests(NotesApi api) : IClassFixture<NotesApi>
{
    private readonly HttpClient _client = api.CreateClient();

    [Fact]
    public async Task Should_count_requests_per_route_method_and_status()
    {
        var before = await ScrapeAsync();

        var note = await (await _client.PostAsJsonAsync("/notes", new { text = "counted" })).ShouldBeNoteAsync();
        await (await _client.PostAsJsonAsync("/notes", new { text = "counted too" })).ShouldBeNoteAsync();
        await (await _client.PostAsJsonAsync("/notes", new { text = "" })).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        for (var i = 0; i < 3; i++)
        {
            await (await _client.GetAsync("/notes/999999")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        }

        using var stale = new HttpRequestMessage(HttpMethod.Put, $"/notes/{note.Id()}") { Content = JsonContent.Create(new { text = "late", completed = true }) };
        stale.Headers.IfMatch.ParseAdd("\"999\"");
        await (await _client.SendAsync(stale)).ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed);

        var expected = new (string Metric, (string, string)[] Labels, double Count)[]
        {
            (HttpCount, [("http_route", "/notes"), ("http_request_method", "POST"), ("http_response_status_code", "200")], 2),
            (HttpCount, [("http_route", "/notes"), ("http_request_method", "POST"), ("http_response_status_code", "422")], 1),
            (HttpCount, [("http_route", "/notes/{id:long}"), ("http_request_method", "GET"), ("http_response_status_code", "404")], 3),
            (HttpCount, [("http_route", "/notes/{id:long}"), ("http_request_method", "PUT"), ("http_response_status_code", "412")], 1),
        };

        // A request is measured when the server is done with it, which can be just after the client has its answer.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        string[] missing;
        do
        {
            var after = await ScrapeAsync();
            missing = expected
                .Where(series => after.Sum(series.Metric, series.Labels) - before.Sum(series.Metric, series.Labels) != series.Count)
                .Select(series => $"{series.Metric}{{{string.Join(",", series.Labels)}}}: {after.Sum(series.Metric, series.Labels) - before.Sum(series.Metric, series.Labels)} instead of {series.Count}")
                .ToArray();
        }
        while (missing.Length > 0 && DateTime.UtcNow < deadline && await Pause());

        missing.ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_serve_the_prometheus_text_format_with_the_pool_and_the_runtime()
    {
        await (await _client.GetAsync("/notes")).ShouldBeNoteArrayAsync();

        var response = await _client.GetAsync("/metrics");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        var names = new PrometheusText(await response.Content.ReadAsStringAsync()).Names.ToArray();
        names.ShouldContain("db_client_connections_usage"); // Npgsql's pool
        names.ShouldNotContain("db_client_commands_duration_seconds_count"); // per command: dropped, too dear on the hot path
        names.ShouldContain("dotnet_gc_collections_total"); // the runtime
        names.ShouldContain("dotnet_thread_pool_thread_count_total");
        names.ShouldContain("dotnet_process_memory_working_set_bytes"); // the process
    }

    [Fact]
    public async Task Should_leave_metrics_out_of_the_api_document()
    {
        var document = await _client.GetStringAsync("/openapi.json");

        document.ShouldContain("\"/notes\"");
        document.ShouldNotContain("/metrics");
    }

    private const string HttpCount = "http_server_request_duration_seconds_count";

    private async Task<PrometheusText> ScrapeAsync() => new(await _client.GetStringAsync("/metrics"));

    private static async Task<bool> Pause()
    {
        await Task.Delay(200);
        return true;
    }
}

/// <summary>The pools as metrics name them: by what they are for, never by where they connect.</summary>
[Collection(nameof(MetricsTests))]
public sealed class PoolMetricsTests(PoolMetricsTests.ApiWithQueriesPool api) : IClassFixture<PoolMetricsTests.ApiWithQueriesPool>
{
    /// <summary>Queries on a pool of their own (to the same database here), as with a standby.</summary>
    public sealed class ApiWithQueriesPool : NotesApi
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["ConnectionStrings:NotesQueries"] = ConnectionString,
        };
    }

    [Fact]
    public async Task Should_name_the_pools_notes_and_notes_queries_and_never_after_their_connection_strings()
    {
        using var client = api.CreateClient();
        var note = await (await client.PostAsJsonAsync("/notes", new { text = "pooled" })).ShouldBeNoteAsync();
        await (await client.GetAsync($"/notes/{note.Id()}")).ShouldBeNoteAsync();

        var scrape = await client.GetStringAsync("/metrics");

        var pools = new PrometheusText(scrape).LabelValues("db_client_connections_usage", "pool_name").ToArray();
        pools.ShouldContain("notes");
        pools.ShouldContain("notes-queries");
        // Metrics are process-wide: other pools of the test process may show, but none to this API's database.
        var database = new Npgsql.NpgsqlConnectionStringBuilder(api.ConnectionString).Database!;
        scrape.ShouldNotContain(database);
    }
}
