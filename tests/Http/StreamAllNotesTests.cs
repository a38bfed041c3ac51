using System.Globalization;
using System.Net;
using System.Text;
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
    /// 60,000 notes (megabytes of JSON, more than socket buffers hold), a relay to cut, four export slots (two per
    /// client address) and a pool of two database connections: three exports that each held a connection would leave
    /// nothing for anyone else. Exports may go without progress for the default 20 s.
    /// </summary>
    public class ExportApi : NotesApiOverKestrel
    {
        public const int Notes = 60_000;
        public const int SlotCount = 4;

        public CapturedLogs Logs { get; } = new();

        protected override IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
        {
            ["Streams:MaxConcurrent"] = SlotCount.ToString(CultureInfo.InvariantCulture),
            ["Streams:SlotsPerAddress"] = "2",
        };

        protected override bool ThroughRelay => true;

        protected override string DatabaseConnectionString =>
            new NpgsqlConnectionStringBuilder(base.DatabaseConnectionString) { MaxPoolSize = 2 }.ConnectionString;

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            var now = DateTime.UtcNow;
            await InsertAsync(
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

        /// <summary>The request log's lines that say an export was answered 200 (which a cut one never is).</summary>
        public int ExportsAnswered200 => Logs.Entries.Count(entry =>
            entry.Category == "Notes.Requests" && entry.Message.StartsWith("GET /notes/all answered 200", StringComparison.Ordinal));

        public StreamSlots Slots => Services.GetRequiredService<StreamSlots>();

        /// <summary>Waits until no export of an earlier test holds a slot.</summary>
        public Task AllSlotsFreeAsync(int seconds = 10) => EventuallyAsync(() => Task.FromResult(Slots.Available == Slots.MaxConcurrent), seconds);

        public static async Task EventuallyAsync(Func<Task<bool>> condition, int seconds = 10)
        {
            for (var attempt = 0; attempt < seconds * 10; attempt++)
            {
                if (await condition())
                {
                    return;
                }

                await Task.Delay(100);
            }

            (await condition()).ShouldBeTrue($"the condition did not hold within {seconds} seconds");
        }
    }

    [Fact]
    public async Task Should_hold_no_database_connection_while_readers_do_not_read()
    {
        await api.AllSlotsFreeAsync();
        var stalled = new List<RawHttpConnection>();
        for (var reader = 0; reader < 3; reader++)
        {
            var connection = await RawHttpConnection.GetAsync(api.Address, "/notes/all", forwardedFor: $"203.0.113.{reader + 1}");
            await connection.ReadAtLeastAsync(1024);
            stalled.Add(connection);
        }

        // the API fills the sockets, then waits for the readers; three stalled exports and a pool of two: were they
        // holding connections, these would wait for one and fail
        await ExportApi.EventuallyAsync(async () => await api.BusyDatabaseConnectionsAsync() == 0);
        using var client = api.CreateClient();
        (await client.GetAsync("/notes/1")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/notes?take=5")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
        stalled.ForEach(connection => connection.Vanish());
        await api.AllSlotsFreeAsync();
    }

    [Fact]
    public async Task Should_free_the_export_slot_as_soon_as_the_reader_vanishes()
    {
        await api.AllSlotsFreeAsync();
        for (var reader = 0; reader < 5; reader++)
        {
            var connection = await RawHttpConnection.GetAsync(api.Address, "/notes/all");
            await connection.ReadAtLeastAsync(1024);
            Slots.Available.ShouldBe(ExportApi.SlotCount - 1);

            connection.Vanish();

            await api.AllSlotsFreeAsync();
        }

        await ExportApi.EventuallyAsync(async () => await api.BusyDatabaseConnectionsAsync() == 0);
    }

    [Fact]
    public async Task Should_refuse_an_export_past_the_limit_with_503_and_retry_after_and_keep_serving_others()
    {
        var taken = TakeEverySlot();
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
        await api.AllSlotsFreeAsync();
        var answered200 = api.ExportsAnswered200;
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
            .Where(entry => entry.Level == LogLevel.Error && entry.Message.StartsWith("Streaming /notes/all cut after", StringComparison.Ordinal))
            .ShouldHaveSingleItem();
        failure.Message.ShouldMatch(@"cut after [1-9][0-9]* items were sent");
        failure.Message.ShouldNotContain("Password");
        failure.Message.ShouldNotContain("notes;");
        await ExportApi.EventuallyAsync(() => Task.FromResult(api.Logs.Entries.Any(entry =>
            entry.Category == "Notes.Requests" && entry.Message.StartsWith("GET /notes/all was cut", StringComparison.Ordinal)
            && !entry.Message.Contains("the client went away", StringComparison.Ordinal))));
        api.ExportsAnswered200.ShouldBe(answered200, "the request log never says a cut export was answered 200");
    }

    [Fact]
    public async Task Should_refuse_a_third_export_to_one_address_with_503_and_retry_after_while_another_address_gets_one()
    {
        await api.AllSlotsFreeAsync();
        await using var first = await RawHttpConnection.GetAsync(api.Address, "/notes/all", forwardedFor: "198.51.100.7");
        await using var second = await RawHttpConnection.GetAsync(api.Address, "/notes/all", forwardedFor: "198.51.100.7");
        await first.ReadAtLeastAsync(1024);
        await second.ReadAtLeastAsync(1024);
        using var client = api.CreateClient();

        using var refused = await client.SendAsync(ExportFrom("198.51.100.7"), HttpCompletionOption.ResponseHeadersRead);

        var problem = await refused.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        problem["title"]!.GetValue<string>().ShouldBe("Too many exports from this client");
        problem["detail"]!.GetValue<string>().ShouldContain("at most 2 exports");
        refused.Headers.RetryAfter.ShouldNotBeNull().Delta.ShouldNotBeNull().ShouldBeGreaterThan(TimeSpan.Zero);
        using (var other = await client.SendAsync(ExportFrom("198.51.100.8"), HttpCompletionOption.ResponseHeadersRead))
        {
            other.StatusCode.ShouldBe(HttpStatusCode.OK, "a slot is still free for another address");
        }

        first.Vanish();
        second.Vanish();
        await api.AllSlotsFreeAsync();
    }

    [Fact]
    public async Task Should_take_the_slot_back_from_readers_that_take_nothing_within_30_seconds_and_serve_the_next_export()
    {
        await api.AllSlotsFreeAsync();
        var stalled = new List<RawHttpConnection>();
        foreach (var address in new[] { "192.0.2.1", "192.0.2.1", "192.0.2.2", "192.0.2.2" })
        {
            var connection = await RawHttpConnection.GetAsync(api.Address, "/notes/all", forwardedFor: address);
            await connection.ReadAtLeastAsync(1024);
            stalled.Add(connection);
        }

        using var client = api.CreateClient();
        try
        {
            (await client.SendAsync(ExportFrom("192.0.2.3"))).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, "every slot is held");

            await api.AllSlotsFreeAsync(seconds: 30);

            var all = await (await client.SendAsync(ExportFrom("192.0.2.3"))).ShouldBeNoteArrayAsync();
            all.Count.ShouldBe(ExportApi.Notes);
        }
        finally
        {
            stalled.ForEach(connection => connection.Vanish());
        }
    }

    [Fact]
    public async Task Should_answer_head_with_every_slot_taken_and_without_reading_a_note()
    {
        var taken = TakeEverySlot();
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand($"lock table {api.Table.Name} in access exclusive mode", connection, transaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        try
        {
            using var client = api.CreateClient();

            // a read of the notes would wait for the lock (for longer than this test waits); a slot would not be had
            using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/notes/all")).WaitAsync(TimeSpan.FromSeconds(10));

            head.StatusCode.ShouldBe(HttpStatusCode.OK);
            head.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
            (await head.Content.ReadAsByteArrayAsync()).ShouldBeEmpty();
            Slots.Available.ShouldBe(0);
        }
        finally
        {
            await transaction.RollbackAsync();
            taken.ForEach(slot => slot.Dispose());
        }
    }

    private StreamSlots Slots => api.Slots;

    private static HttpRequestMessage ExportFrom(string address) =>
        new(HttpMethod.Get, "/notes/all") { Headers = { { "X-Forwarded-For", address } } };

    /// <summary>Takes every free slot, each for a client of its own.</summary>
    private List<IDisposable> TakeEverySlot()
    {
        var taken = new List<IDisposable>();
        while (Slots.Available > 0)
        {
            taken.Add(Slots.Enter($"test client {taken.Count}"));
        }

        return taken;
    }
}
