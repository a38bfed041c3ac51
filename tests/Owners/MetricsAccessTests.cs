using System.Net;
using Notes.Tests.Http;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Owners;

/// <summary>
/// <c>/metrics</c> is not for the API's clients: with people signed in it takes a token with the scope notes:metrics
/// (a scraper's), and with <c>Metrics:Port</c> it is served on that port alone.
/// </summary>
public sealed class MetricsAccessTests(BearerTokenTests.SignedInApi api) : IClassFixture<BearerTokenTests.SignedInApi>
{
    [Fact]
    public async Task Should_serve_metrics_to_a_scrapers_token_alone_when_people_sign_in()
    {
        using var anonymous = api.ClientWith(null);
        using var person = api.ClientWith(api.Issuer.Token("alice", scope: "notes:read notes:write"));
        using var scraper = api.ClientWith(api.Issuer.Token("prometheus", scope: "notes:metrics"));

        (await anonymous.GetAsync("/metrics")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await person.GetAsync("/metrics")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var scraped = await scraper.GetAsync("/metrics");
        scraped.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await scraped.Content.ReadAsStringAsync()).ShouldContain("http_server_request_duration_seconds");
    }

    [Fact]
    public async Task Should_serve_metrics_on_the_metrics_port_alone()
    {
        var database = await TestDatabaseServer.CreateDatabaseAsync();
        try
        {
            var metricsPort = FreePort.Next();
            await using var process = ApiProcess.Start(
                new Dictionary<string, string> { ["ConnectionStrings:Notes"] = database, ["Metrics:Port"] = $"{metricsPort}" },
                alsoOn: metricsPort);
            using var client = new HttpClient();
            await process.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(60));

            var onApiPort = await client.GetAsync(new Uri(process.BaseAddress, "/metrics"));
            var onMetricsPort = await client.GetAsync($"http://127.0.0.1:{metricsPort}/metrics");

            onApiPort.StatusCode.ShouldBe(HttpStatusCode.NotFound);
            onMetricsPort.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await onMetricsPort.Content.ReadAsStringAsync()).ShouldContain("http_server_request_duration_seconds");
        }
        finally
        {
            await TestDatabaseServer.DropDatabaseAsync(database);
        }
    }
}
