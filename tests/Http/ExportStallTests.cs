using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Notes.Tests.Infrastructure;
using Npgsql;

namespace Notes.Tests.Http;

/// <summary>
/// GET /notes/all is limited in time without progress (<c>Streams:StallSeconds</c>, 2 s here), not in time: a reader
/// that takes nothing for that long has its export cut, the connection aborted and the cut logged, while one that
/// reads slowly but steadily gets every note however long it takes. The long-running request limit is 2 s here too,
/// to show that it no longer cuts an export.
/// </summary>
public sealed class ExportStallTests(ExportStallTests.Api api) : IClassFixture<ExportStallTests.Api>
{
    public sealed class Api : StreamAllNotesTests.ExportApi
    {
        protected override IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
        {
            ["Streams:MaxConcurrent"] = "4",
            ["Streams:StallSeconds"] = "2",
            ["RequestTimeouts:LongRunningSeconds"] = "2",
        };
    }

    [Fact]
    public async Task Should_abort_the_connection_and_log_the_cut_when_the_reader_takes_nothing_for_the_stall_limit()
    {
        await api.AllSlotsFreeAsync();
        var answered200 = api.ExportsAnswered200;
        await using var reader = await RawHttpConnection.GetAsync(api.Address, "/notes/all");
        var start = await reader.ReadAtLeastAsync(4096);

        await api.AllSlotsFreeAsync(); // the reader takes nothing more: cut after 2 s
        var received = Encoding.UTF8.GetString(start) + Encoding.UTF8.GetString(await reader.ReadToEndAsync(TimeSpan.FromSeconds(30)));

        received.ShouldStartWith("HTTP/1.1 200 OK");
        received.ShouldNotEndWith("0\r\n\r\n", customMessage: $"{received.Length} characters"); // never the clean end of a chunked body
        received.ShouldNotEndWith("]");
        bool IsCut((LogLevel Level, string Category, string Message, Exception? Exception) entry) =>
            entry.Level == LogLevel.Warning && entry.Message.StartsWith("Streaming /notes/all cut after", StringComparison.Ordinal);
        // the connection is aborted first, the cut logged right after
        await StreamAllNotesTests.ExportApi.EventuallyAsync(() => Task.FromResult(api.Logs.Entries.Any(IsCut)));
        var cut = api.Logs.Entries.Where(IsCut).ShouldHaveSingleItem();
        cut.Message.ShouldMatch(@"cut after [1-9][0-9]* items were sent \(no progress for 2 s");
        await StreamAllNotesTests.ExportApi.EventuallyAsync(() => Task.FromResult(api.Logs.Entries.Any(entry =>
            entry.Category == "Notes.Requests" && entry.Message.StartsWith("GET /notes/all was cut", StringComparison.Ordinal)
            && entry.Message.Contains("no progress", StringComparison.Ordinal))));
        api.ExportsAnswered200.ShouldBe(answered200, "the request log never says a cut export was answered 200");
    }

    [Fact]
    public async Task Should_send_every_note_to_a_reader_that_keeps_reading_for_longer_than_the_limit()
    {
        await api.AllSlotsFreeAsync();
        await using var reader = await RawHttpConnection.GetAsync(api.Address, "/notes/all");
        var started = DateTime.UtcNow;

        // a quarter of a second's pause after every 256 KiB: never 2 s without reading, many seconds in all
        using var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        var sinceLastPause = 0;
        int read;
        while ((read = await reader.Stream.ReadAsync(buffer)) > 0)
        {
            received.Write(buffer, 0, read);
            sinceLastPause += read;
            if (sinceLastPause >= 256 * 1024)
            {
                sinceLastPause = 0;
                await Task.Delay(250);
            }
        }

        (DateTime.UtcNow - started).ShouldBeGreaterThan(TimeSpan.FromSeconds(4), "the export ran for longer than both limits");
        var text = Encoding.UTF8.GetString(received.ToArray());
        text.ShouldStartWith("HTTP/1.1 200 OK");
        text.ShouldEndWith("]\r\n0\r\n\r\n", customMessage: $"{text.Length} characters");
        (text.Split("\"id\":").Length - 1).ShouldBe(StreamAllNotesTests.ExportApi.Notes);
    }

    [Fact]
    public async Task Should_answer_503_when_the_first_page_waits_in_the_database_for_the_stall_limit()
    {
        await api.AllSlotsFreeAsync();
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand($"lock table {api.Table.Name} in access exclusive mode", connection, transaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        using var client = api.CreateClient();
        var stuck = await client.GetAsync("/notes/all").WaitAsync(TimeSpan.FromSeconds(20));

        // answered while the lock is still held
        var problem = await stuck.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        problem["title"]!.GetValue<string>().ShouldBe("Request timed out");
        problem["detail"]!.GetValue<string>().ShouldContain("2 seconds");
        await transaction.RollbackAsync();
        await api.AllSlotsFreeAsync();
    }
}
