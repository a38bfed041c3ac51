using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Notes.Tests.Http;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Telemetry;

/// <summary>The console as people read it (simple format): one line per request, and the trace id on every line of it.</summary>
public sealed class RequestLogTests(TelemetryApi api) : IClassFixture<TelemetryApi>
{
    private readonly HttpClient _client = api.CreateClient();

    [Fact]
    public async Task Should_log_one_line_per_request_with_method_route_status_and_duration()
    {
        var (trace, parent) = TracingTests.NewTraceParent();

        await (await TracingTests.SendAsync(_client, HttpMethod.Get, "/notes/999999", trace, parent)).ShouldBeProblemAsync(HttpStatusCode.NotFound);

        var lines = await LinesOfAsync(api.Console, trace);
        var request = lines.Where(line => line.Contains("Notes.Requests", StringComparison.Ordinal)).ShouldHaveSingleItem();
        request.ShouldMatch(@" GET /notes/\{id:long\} answered 404 in \d+\.\d ms$");
    }

    [Fact]
    public async Task Should_write_the_trace_id_on_every_line_of_a_request()
    {
        var (trace, parent) = TracingTests.NewTraceParent();
        var from = api.Console.Lines.Count;

        await (await TracingTests.SendAsync(_client, HttpMethod.Post, "/notes", trace, parent, JsonContent.Create(new { text = "traced" }))).ShouldBeNoteAsync();
        await LinesOfAsync(api.Console, trace);

        // This class's requests are the only ones this host serves, one at a time: all it logged meanwhile is this request's.
        var lines = api.Console.Lines.Skip(from).ToArray();
        lines.Length.ShouldBeGreaterThanOrEqualTo(4); // ASP.NET Core's request starting, endpoint executing and executed, ours, request finished
        lines.ShouldAllBe(line => line.Contains($"TraceId:{trace.ToHexString()}"));
    }

    [Fact]
    public async Task Should_never_log_a_body_a_password_or_a_connection_string()
    {
        var secret = $"secret-{Guid.NewGuid():N}";

        var created = await (await _client.PostAsJsonAsync("/notes", new { text = secret })).ShouldBeNoteAsync();
        await (await _client.PutAsJsonAsync($"/notes/{created.Id()}", new { text = secret + new string('x', 100), completed = true }))
            .ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        await (await _client.PostAsync("/notes", HttpJson.AsJson($"{{\"text\": \"{secret}\""))).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        var (trace, parent) = TracingTests.NewTraceParent();
        await (await TracingTests.SendAsync(_client, HttpMethod.Get, "/notes/999999", trace, parent)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await LinesOfAsync(api.Console, trace);

        var lines = api.Console.Lines;
        lines.ShouldContain(line => line.Contains("Using database postgresql://notes:****@", StringComparison.Ordinal));
        lines.ShouldContain(line => line.Contains("POST /notes answered 200", StringComparison.Ordinal));
        lines.ShouldAllBe(line => !line.Contains(secret));
        lines.ShouldAllBe(line => !line.Contains(api.ConnectionString));
        lines.ShouldAllBe(line => !line.Contains("password", StringComparison.OrdinalIgnoreCase));
        lines.ShouldAllBe(line => !line.Contains("notes:notes@", StringComparison.Ordinal));
    }

    /// <summary>The lines of a trace, once its request is logged as answered and ASP.NET Core has logged it finished.</summary>
    internal static async Task<string[]> LinesOfAsync(CapturedConsole console, ActivityTraceId trace)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        string[] lines;
        while ((lines = console.Lines.Where(line => line.Contains(trace.ToHexString(), StringComparison.Ordinal)).ToArray()) is var found
            && !(found.Any(line => line.Contains("Notes.Requests", StringComparison.Ordinal)) && found.Any(line => line.Contains("Request finished", StringComparison.Ordinal)))
            && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        return lines;
    }
}

/// <summary>The console for log shippers (<c>Logging:Console:FormatterName=json</c>): one JSON object a line.</summary>
public sealed class JsonRequestLogTests(JsonRequestLogTests.JsonConsoleApi api) : IClassFixture<JsonRequestLogTests.JsonConsoleApi>
{
    public sealed class JsonConsoleApi : TelemetryApi
    {
        protected override IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
        {
            ["Logging:Console:FormatterName"] = "json",
        };
    }

    [Fact]
    public async Task Should_log_each_request_as_one_json_event_with_its_fields_and_trace_id()
    {
        using var client = api.CreateClient();
        var (trace, parent) = TracingTests.NewTraceParent();

        await (await TracingTests.SendAsync(client, HttpMethod.Get, "/notes?take=0", trace, parent)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);

        var events = (await RequestLogTests.LinesOfAsync(api.Console, trace)).Select(line => JsonNode.Parse(line)!.AsObject()).ToArray();
        events.ShouldAllBe(entry => entry["Scopes"]!.AsArray().Any(scope => (string?)scope!["TraceId"] == trace.ToHexString()));
        var request = events.Where(entry => (string?)entry["Category"] == "Notes.Requests").ShouldHaveSingleItem();
        var state = request["State"]!;
        ((string?)state["Method"]).ShouldBe("GET");
        ((string?)state["Route"]).ShouldBe("/notes");
        ((int?)state["StatusCode"]).ShouldBe(422);
        ((double?)state["DurationMs"]).ShouldNotBeNull().ShouldBeGreaterThan(0);
        ((string?)request["Message"]).ShouldStartWith("GET /notes answered 422 in ");
    }
}

/// <summary><c>Telemetry:Enabled=false</c>, for benchmarks without it: no /metrics, no request lines, the API unchanged.</summary>
public sealed class TelemetryOffTests(TelemetryOffTests.ApiWithoutTelemetry api) : IClassFixture<TelemetryOffTests.ApiWithoutTelemetry>
{
    public sealed class ApiWithoutTelemetry : TelemetryApi
    {
        protected override IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
        {
            ["Telemetry:Enabled"] = "false",
        };
    }

    [Fact]
    public async Task Should_serve_notes_without_metrics_or_request_lines()
    {
        using var client = api.CreateClient();

        await (await client.PostAsJsonAsync("/notes", new { text = "quiet" })).ShouldBeNoteAsync();
        await (await client.GetAsync("/metrics")).ShouldBeProblemAsync(HttpStatusCode.NotFound);

        await Task.Delay(200);
        api.Console.Lines.ShouldContain(line => line.Contains("Request finished", StringComparison.Ordinal));
        api.Console.Lines.ShouldNotContain(line => line.Contains("Notes.Requests", StringComparison.Ordinal));
    }
}
