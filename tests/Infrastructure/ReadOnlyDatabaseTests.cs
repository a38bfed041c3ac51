using System.Net;
using System.Net.Http.Json;
using Notes.Tests.Http;
using Npgsql;

namespace Notes.Tests.Infrastructure;

/// <summary>
/// A database that takes reads but no writes, as a primary does for a moment after it has been demoted to standby
/// in a failover: writes answer 503 with Retry-After (worth trying again), never 500, and reads go on.
/// </summary>
public sealed class ReadOnlyDatabaseTests(NotesApi api) : IClassFixture<NotesApi>
{
    [Fact]
    public async Task Should_answer_writes_503_and_serve_reads_while_the_database_is_read_only()
    {
        using var client = api.CreateClient();
        var stored = await (await client.PostAsJsonAsync("/notes", new { text = "stored before" })).ShouldBeNoteAsync();

        await MakeReadOnlyAsync(api.ConnectionString);

        foreach (var text in new[] { "first try", "second try" })
        {
            var write = await client.PostAsJsonAsync("/notes", new { text });
            await write.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
            write.Headers.RetryAfter.ShouldNotBeNull();
        }

        (await (await client.GetAsync($"/notes/{stored.Id()}")).ShouldBeNoteAsync()).Text().ShouldBe("stored before");
    }

    /// <summary>Every new transaction of the database is read-only, and the API's open connections are cut.</summary>
    private static async Task MakeReadOnlyAsync(string connectionString)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"alter database {database} set default_transaction_read_only = on; "
            + "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()",
            connection);
        await command.ExecuteNonQueryAsync();
    }
}
