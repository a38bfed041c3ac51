using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Notes.Tests.Http;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Telemetry;

/// <summary>Each request sends a W3C traceparent of its own, and the tests follow that trace.</summary>
public sealed class TracingTests(TelemetryApi api) : IClassFixture<TelemetryApi>
{
    private readonly HttpClient _client = api.CreateClient();

    [Fact]
    public async Task Should_trace_a_request_and_its_database_commands_in_the_callers_trace()
    {
        var (trace, parent) = NewTraceParent();

        var response = await SendAsync(HttpMethod.Get, "/notes/999999", trace, parent);
        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);

        var spans = await SpansAsync(trace, span => span.Kind == ActivityKind.Server);
        var server = spans.Single(span => span.Kind == ActivityKind.Server);
        server.ParentSpanId.ShouldBe(parent);
        server.DisplayName.ShouldBe("GET /notes/{id:long}");
        server.GetTagItem("http.response.status_code").ShouldBe(404);
        server.Status.ShouldBe(ActivityStatusCode.Unset);
        var database = spans.Where(span => span.Source.Name == "Npgsql").ToArray();
        database.ShouldNotBeEmpty();
        database.ShouldAllBe(span => span.ParentSpanId == server.SpanId && span.Kind == ActivityKind.Client);
    }

    [Fact]
    public async Task Should_trace_a_request_that_breaks_a_rule_without_a_database_command()
    {
        var (trace, parent) = NewTraceParent();

        var response = await SendAsync(HttpMethod.Post, "/notes", trace, parent, JsonContent.Create(new { text = " " }));
        await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);

        var spans = await SpansAsync(trace, span => span.Kind == ActivityKind.Server);
        spans.Single(span => span.Kind == ActivityKind.Server).GetTagItem("http.response.status_code").ShouldBe(422);
        spans.ShouldNotContain(span => span.Source.Name == "Npgsql"); // a broken rule never reaches the database
    }

    [Fact]
    public async Task Should_record_the_sql_of_database_commands_but_never_a_body()
    {
        var (trace, parent) = NewTraceParent();
        var secret = $"secret-{Guid.NewGuid():N}";

        await (await SendAsync(HttpMethod.Post, "/notes", trace, parent, JsonContent.Create(new { text = secret }))).ShouldBeNoteAsync();

        var spans = await SpansAsync(trace, span => span.Kind == ActivityKind.Server);
        spans.Where(span => span.Source.Name == "Npgsql").ShouldContain(span => span.DisplayName.Length > 0 && span.Tags.Any(tag => tag.Value!.Contains("mt_doc_note")));
        spans.SelectMany(span => span.TagObjects).ShouldAllBe(tag => !(tag.Value ?? "").ToString()!.Contains(secret));
        spans.SelectMany(span => span.Events).SelectMany(@event => @event.Tags).ShouldAllBe(tag => !(tag.Value ?? "").ToString()!.Contains(secret));
    }

    [Fact]
    public async Task Should_put_the_trace_id_in_problem_details()
    {
        var (trace, parent) = NewTraceParent();

        var problem = await (await SendAsync(HttpMethod.Get, "/notes/999999", trace, parent)).ShouldBeProblemAsync(HttpStatusCode.NotFound);

        problem["traceId"]!.GetValue<string>().ShouldContain(trace.ToHexString());
    }

    internal static (ActivityTraceId Trace, ActivitySpanId Parent) NewTraceParent() =>
        (ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom());

    internal static async Task<HttpResponseMessage> SendAsync(
        HttpClient client, HttpMethod method, string path, ActivityTraceId trace, ActivitySpanId parent, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add("traceparent", $"00-{trace.ToHexString()}-{parent.ToHexString()}-01");
        return await client.SendAsync(request);
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, ActivityTraceId trace, ActivitySpanId parent, HttpContent? content = null) =>
        SendAsync(_client, method, path, trace, parent, content);

    /// <summary>The spans of a trace, once one matching <paramref name="last"/> (ended last) has been exported.</summary>
    private async Task<IReadOnlyList<Activity>> SpansAsync(ActivityTraceId trace, Func<Activity, bool> last)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!api.Spans(trace).Any(last) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        return api.Spans(trace);
    }
}
