using System.Diagnostics;
using System.Net;
using Notes.Tests.Http;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Telemetry;

/// <summary>When the database cannot be reached, the trace and the log lines say so, and still join up.</summary>
public sealed class UnavailableDatabaseTelemetryTests(UnavailableDatabaseTelemetryTests.TracedApiBehindRelay api)
    : IClassFixture<UnavailableDatabaseTelemetryTests.TracedApiBehindRelay>
{
    public sealed class TracedApiBehindRelay : TelemetryApi
    {
        protected override bool ThroughRelay => true;
    }

    [Fact]
    public async Task Should_mark_the_request_failed_with_the_exception_and_log_it_in_the_trace()
    {
        using var client = api.CreateClient();
        var (trace, parent) = TracingTests.NewTraceParent();

        api.Relay.Cut();
        try
        {
            await (await TracingTests.SendAsync(client, HttpMethod.Get, "/notes/1", trace, parent)).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        }
        finally
        {
            api.Relay.Start();
        }

        var lines = await RequestLogTests.LinesOfAsync(api.Console, trace);
        lines.ShouldContain(line => line.Contains("Database unavailable", StringComparison.Ordinal));
        lines.ShouldContain(line => line.Contains("GET /notes/{id:long} answered 503", StringComparison.Ordinal));
        var server = api.Spans(trace).Single(span => span.Kind == ActivityKind.Server);
        server.GetTagItem("http.response.status_code").ShouldBe(503);
        server.Status.ShouldBe(ActivityStatusCode.Error);
        server.Events.ShouldContain(@event => @event.Name == "exception");
    }
}
