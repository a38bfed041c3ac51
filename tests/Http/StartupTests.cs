using System.Net;
using System.Net.Http.Json;
using Npgsql;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Http;

/// <summary>The API waits for its database and applies the schema before it serves its first request.</summary>
public sealed class StartupTests
{
    [Fact]
    public async Task Should_wait_for_a_database_that_comes_up_late_and_then_serve_a_burst_of_requests()
    {
        var database = await TestDatabaseServer.CreateDatabaseAsync();
        await using var relay = new TcpProxy(TestDatabaseServer.Settings.Host!, TestDatabaseServer.Settings.Port);
        relay.Start();
        relay.Cut(); // the port is known, but nothing answers on it yet
        try
        {
            await using var api = new LateDatabaseApi(new NpgsqlConnectionStringBuilder(database) { Host = "127.0.0.1", Port = relay.Port }.ConnectionString);
            var starting = Task.Run(() => api.Server);
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            starting.IsCompleted.ShouldBeFalse("the host must not be ready while its database is unreachable");

            relay.Start();
            await starting.WaitAsync(TimeSpan.FromSeconds(30));

            using var client = api.CreateClient();
            var responses = await Task.WhenAll(Enumerable.Range(1, 32).Select(i => client.PostAsJsonAsync("/notes", new { text = $"burst {i}" })));
            responses.ShouldAllBe(response => response.StatusCode == HttpStatusCode.OK);
            (await (await client.GetAsync("/notes/all")).ShouldBeNoteArrayAsync()).Count.ShouldBe(32);
        }
        finally
        {
            await TestDatabaseServer.DropDatabaseAsync(database);
        }
    }

    private sealed class LateDatabaseApi(string connectionString) : NotesApi
    {
        protected override string DatabaseConnectionString => connectionString;
    }
}
