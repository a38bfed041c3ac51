using System.Net;
using Npgsql;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Http;

/// <summary>
/// No request holds its connection past <c>RequestTimeouts:Seconds</c>: a request stuck behind a lock in the
/// database is stopped and answered 503 with problem details. The streamed export has no such limit, only one on its
/// time without progress (20 s by default).
/// </summary>
public sealed class RequestTimeoutTests(RequestTimeoutTests.Api api) : IClassFixture<RequestTimeoutTests.Api>
{
    public sealed class Api() : ConfiguredNotesApi(new Dictionary<string, string?> { ["RequestTimeouts:Seconds"] = "1" });

    [Fact]
    public async Task Should_stop_a_request_stuck_in_the_database_at_the_limit_but_let_the_export_run_on()
    {
        using var client = api.CreateClient();
        var note = await (await client.PostAsync("/notes", HttpJson.AsJson("""{"text":"behind a lock"}"""))).ShouldBeNoteAsync();

        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand($"lock table {api.Table.Name} in access exclusive mode", connection, transaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        var export = client.GetAsync("/notes/all");
        var stuck = await client.GetAsync($"/notes/{note.Id()}").WaitAsync(TimeSpan.FromSeconds(20));

        // answered while the lock is still held: the request did not wait for the database
        var problem = await stuck.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        problem["title"]!.GetValue<string>().ShouldBe("Request timed out");
        problem["detail"]!.GetValue<string>().ShouldContain("1 seconds");

        await Task.Delay(TimeSpan.FromSeconds(1)); // the export has now waited twice the ordinary limit
        export.IsCompleted.ShouldBeFalse("GET /notes/all is limited in time without progress, not by the request limit");
        await transaction.RollbackAsync();

        var all = await (await export.WaitAsync(TimeSpan.FromSeconds(20))).ShouldBeNoteArrayAsync();
        all.Count.ShouldBe(1);
        (await client.GetAsync($"/notes/{note.Id()}")).StatusCode.ShouldBe(HttpStatusCode.OK, "the pool recovers its connection");
    }
}
