using System.Net;
using System.Text;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Notes.Features.Notes;
using Notes.Infrastructure.Streaming;
using Notes.Tests.Infrastructure;
using Npgsql;

namespace Notes.Tests.Http;

/// <summary>
/// GET /notes/all against readers that stop reading, vanish or find the database gone midway: a stream never holds
/// a database connection while it waits for its reader, is released as soon as the reader goes, and never looks
/// complete when it is not.
/// </summary>
public sealed class StreamAllNotesTests(StreamAllNotesTests.ExportApi api) : IClassFixture<StreamAllNotesTests.ExportApi>
{
    /// <summary>
    /// 60,000 notes (megabytes of JSON, more than socket buffers hold), a relay to cut, three export slots and a pool
    /// of two database connections: three exports that each held a connection would leave nothing for anyone else.
    /// </summary>
    public sealed class ExportApi : NotesApiOverKestrel
    {
        public const int Notes = 60_000;

        public CapturedLogs Logs { get; } = new();

        protected override IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?> { ["Streams:MaxConcurrent"] = "3" };

        protected override bool ThroughRelay => true;

        protected override string DatabaseConnectionString =>
            new NpgsqlConnectionStringBuilder(base.DatabaseConnectionString) { MaxPoolSize = 2 }.ConnectionString;

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            var now = DateTime.UtcNow;
            await Services.GetRequiredService<IDocumentStore>().BulkInsertAsync(
                Enumerable.Range(1, Notes).Select(i => new Note { Id = i, Text = $"exported note number {i}", CreatedAt = now, UpdatedAt = now }).ToList());
        }

        /// <summary>The API's connections to its database that are doing something (not idle in the pool).</summary>
        public async Task<int> BusyDatabaseConnectionsAsync()
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "select count(*) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and state <> 'idle'", connection);

            return (int)(long)(await command.ExecuteScalarAsync())!;
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        }

    }

    [Fact]
    public async Task Should_hold_no_database_connection_while_readers_do_not_read()
    {
        await Eventually(() => Task.FromResult(Slots.Available == 3)); // exports of other tests are over
        var stalled = new List<RawHttpConnection>();
        for (var reader = 0; reader < 3; reader++)
        {
            var connection = await RawHttpConnection.GetAsync(api.Address, "/notes/all");
            await connection.ReadAtLeastAsync(1024);
            stalled.Add(connection);
        }

        // the API fills the sockets, then waits for the readers; three stalled exports and a pool of two: were they
        // holding connections, these would wait for one and fail
        await Eventually(async () => await api.BusyDatabaseConnectionsAsync() == 0);
        using var client = api.CreateClient();
        (await client.GetAsync("/notes/1")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/notes?take=5")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
        stalled.ForEach(connection => connection.Vanish());
        await Eventually(() => Task.FromResult(Slots.Available == 3));
    }

    [Fact]
    public async Task Should_free_the_export_slot_as_soon_as_the_reader_vanishes()
    {
        await Eventually(() => Task.FromResult(Slots.Available == 3)); // exports of other tests are over
        for (var reader = 0; reader < 5; reader++)
        {
            var connection = await RawHttpConnection.GetAsync(api.Address, "/notes/all");
            await connection.ReadAtLeastAsync(1024);
            Slots.Available.ShouldBe(2);

            connection.Vanish();

            await Eventually(() => Task.FromResult(Slots.Available == 3));
        }

        await Eventually(async () => await api.BusyDatabaseConnectionsAsync() == 0);
    }

    [Fact]
    public async Task Should_refuse_an_export_past_the_limit_with_503_and_retry_after_and_keep_serving_others()
    {
        var taken = new List<IDisposable>();
        while (TryEnter(Slots) is { } slot)
        {
            taken.Add(slot);
        }

        try
        {
            using var client = api.CreateClient();
            var refused = await client.GetAsync("/notes/all");

            var problem = await refused.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
            problem["title"]!.GetValue<string>().ShouldBe("Too many exports in progress");
            refused.Headers.RetryAfter.ShouldNotBeNull().Delta.ShouldNotBeNull().ShouldBeGreaterThan(TimeSpan.Zero);
            (await client.GetAsync("/notes/1")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        finally
        {
            taken.ForEach(slot => slot.Dispose());
        }
    }

    [Fact]
    public async Task Should_abort_the_connection_and_log_the_count_when_the_database_fails_midway()
    {
        await Eventually(() => Task.FromResult(Slots.Available == 3)); // exports of other tests are over
        await using var reader = await RawHttpConnection.GetAsync(api.Address, "/notes/all");
        var start = await reader.ReadAtLeastAsync(4096);
        Encoding.ASCII.GetString(start).ShouldStartWith("HTTP/1.1 200 OK");

        await Task.Delay(500); // the API has filled the socket and waits for the reader
        api.Relay.Cut();
        string received;
        try
        {
            received = Encoding.UTF8.GetString(start) + Encoding.UTF8.GetString(await reader.ReadToEndAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            api.Relay.Start();
        }

        received.ShouldNotEndWith("0\r\n\r\n", customMessage: $"{received.Length} characters"); // never the clean end of a chunked body
        received.ShouldNotEndWith("]");
        var notesReceived = received.Split("\"id\":").Length - 1;
        notesReceived.ShouldBeInRange(1, ExportApi.Notes - 1);
        var failure = api.Logs.Entries
            .Where(entry => entry.Level == LogLevel.Error && entry.Message.StartsWith("Streaming /notes/all failed after", StringComparison.Ordinal))
            .ShouldHaveSingleItem();
        failure.Message.ShouldMatch(@"failed after [1-9][0-9]* items were sent");
        failure.Message.ShouldNotContain("Password");
        failure.Message.ShouldNotContain("notes;");
    }

    private StreamSlots Slots => api.Services.GetRequiredService<StreamSlots>();

    private static IDisposable? TryEnter(StreamSlots slots)
    {
        try
        {
            return slots.Enter();
        }
        catch (Notes.Infrastructure.Errors.ServerBusyException)
        {
            return null;
        }
    }

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        (await condition()).ShouldBeTrue("the condition did not hold within 10 seconds");
    }
}
