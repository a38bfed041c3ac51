using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
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

/// <summary>
/// A write that reached the database and ran, whose answer the relay then loses on the way back: it is not sent again
/// (a create would meet its own note, a delete find nothing left), the client gets 503 and decides.
/// </summary>
public sealed class LostAnswerTests(DatabaseOutageTests.ApiBehindRelay api) : IClassFixture<DatabaseOutageTests.ApiBehindRelay>
{
    [Fact]
    public async Task Should_answer_503_and_store_the_note_once_when_the_answer_to_a_create_is_lost_after_its_commit()
    {
        using var client = api.CreateClient();
        var text = $"created once {Guid.NewGuid():N}";
        api.Relay.LoseAnswersAfter(Encoding.UTF8.GetBytes(text));

        var sent = client.PostAsJsonAsync("/notes", new { text });
        await UntilAsync(async () => await CountNotesAsync("data->>'text' = $1", text) == 1);
        api.Relay.DropConnections();
        var response = await sent;

        await response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter.ShouldNotBeNull();
        (await CountNotesAsync("data->>'text' = $1", text)).ShouldBe(1);
    }

    [Fact]
    public async Task Should_answer_503_not_404_when_the_answer_to_a_delete_is_lost_after_its_commit()
    {
        using var client = api.CreateClient();
        var note = await (await client.PostAsJsonAsync("/notes", new { text = "deleted, unbeknownst to its client" })).ShouldBeNoteAsync();
        // the statement's text: sent as it is until Npgsql prepares it, after a few runs on the connection
        api.Relay.LoseAnswersAfter(AsSent(api.Table.DeleteById));

        var sent = client.DeleteAsync($"/notes/{note.Id()}");
        await UntilAsync(async () => await CountNotesAsync($"id = $1 and {api.Table.NotTrashed}", note.Id()) == 0);
        api.Relay.DropConnections();
        var response = await sent;

        await response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter.ShouldNotBeNull();
        (await CountNotesAsync($"id = $1 and {api.Table.NotTrashed}", note.Id())).ShouldBe(0);
    }

    [Fact]
    public async Task Should_read_the_note_again_on_a_new_connection_when_the_answer_to_a_read_is_lost()
    {
        using var client = api.CreateClient();
        var note = await (await client.PostAsJsonAsync("/notes", new { text = "read twice, answered once" })).ShouldBeNoteAsync();
        api.Relay.LoseAnswersAfter(AsSent(api.Table.SelectById));

        var sent = client.GetAsync($"/notes/{note.Id()}");
        await UntilAsync(() => Task.FromResult(api.Relay.LosingAnswers));
        api.Relay.DropConnections();
        var response = await sent;

        (await response.ShouldBeNoteAsync()).Id().ShouldBe(note.Id());
    }

    [Fact]
    public async Task Should_read_the_note_again_on_a_new_connection_when_the_connection_breaks_after_the_first_result()
    {
        using var client = api.CreateClient();
        var note = await (await client.PostAsJsonAsync("/notes", new { text = "read again after the owner was set" })).ShouldBeNoteAsync();
        api.Relay.LoseAnswersAfterFirstResult(AsSent(api.Table.SelectById));

        // The owner's set_config answers; the note's own result is lost, past Marten's retry, and the connection breaks.
        var sent = client.GetAsync($"/notes/{note.Id()}");
        await UntilAsync(() => Task.FromResult(api.Relay.LosingAnswers));
        await Task.Delay(200);
        api.Relay.DropConnections();
        var response = await sent;

        var read = await response.ShouldBeNoteAsync();
        read.Id().ShouldBe(note.Id());
        read.Text().ShouldBe("read again after the owner was set");
    }

    /// <summary>A statement as Npgsql sends it: its named parameters (@p1) become positional ones ($1).</summary>
    private static byte[] AsSent(string statement) => Encoding.UTF8.GetBytes(Regex.Replace(statement, @"@p(\d+)", "$$$1"));

    /// <summary>Counts notes around the API and its relay, on a connection of the test's own.</summary>
    private async Task<long> CountNotesAsync(string condition, object value)
    {
        await using var connection = await api.OpenConnectionAsync();
        await using var command = new NpgsqlCommand($"select count(*) from {api.Table.Name} where {condition}", connection) { Parameters = { new() { Value = value } } };
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the statement never reached the database");
            await Task.Delay(20);
        }
    }
}
