using System.Net;
using System.Net.Http.Json;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Http;

/// <summary>
/// The API reaches its database through a relay the tests cut and restore: while PostgreSQL is unreachable the
/// API answers 503 with Retry-After and reports not ready, and it recovers by itself with nothing acknowledged lost.
/// </summary>
public sealed class DatabaseOutageTests(DatabaseOutageTests.ApiBehindRelay api) : IClassFixture<DatabaseOutageTests.ApiBehindRelay>
{
    public sealed class ApiBehindRelay : NotesApi
    {
        protected override bool ThroughRelay => true;
    }

    [Fact]
    public async Task Should_answer_503_with_retry_after_while_the_database_is_unreachable_and_recover_after()
    {
        using var client = api.CreateClient();
        var acknowledged = await (await client.PostAsJsonAsync("/notes", new { text = "before the outage" })).ShouldBeNoteAsync();

        api.Relay.Cut();
        try
        {
            foreach (var request in new Func<Task<HttpResponseMessage>>[]
            {
                () => client.GetAsync($"/notes/{acknowledged.Id()}"),
                () => client.GetAsync("/notes"),
                () => client.PostAsJsonAsync("/notes", new { text = "during the outage" }),
                () => client.DeleteAsync($"/notes/{acknowledged.Id()}"),
            })
            {
                var response = await request();
                await response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
                response.Headers.RetryAfter.ShouldNotBeNull().Delta.ShouldBe(TimeSpan.FromSeconds(5));
            }

            (await client.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            (await client.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        finally
        {
            api.Relay.Start();
        }

        (await client.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var survivor = await (await client.GetAsync($"/notes/{acknowledged.Id()}")).ShouldBeNoteAsync();
        survivor.Text().ShouldBe("before the outage");
        var all = await (await client.GetAsync("/notes/all")).ShouldBeNoteArrayAsync();
        all.Select(note => note!.AsObject().Text()).ShouldBe(["before the outage"]);
    }
}
