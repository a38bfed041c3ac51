using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Npgsql;
using Xunit.Abstractions;
using Notes.Tests.Http;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Durability;

/// <summary>
/// PostgreSQL itself crashes (<c>pg_ctl stop -m immediate</c>) in the middle of a burst of creates and is started
/// again: every create answered 200 is there afterwards; the API answered 503 in between and 200 after, without
/// being restarted. On a cluster of its own (scripts/db.sh), never the shared one.
/// </summary>
public sealed class DatabaseCrashTests(PrivateCluster cluster, ITestOutputHelper output) : IClassFixture<PrivateCluster>
{
    private const int Writers = 8;

    private enum Phase
    {
        Up,
        Crashed,
        Restarting,
        Restarted,
    }

    private sealed class ClusterApi(string connectionString) : NotesApi
    {
        protected override string DatabaseConnectionString => connectionString;
    }

    [Fact]
    public async Task Should_keep_every_acknowledged_create_through_a_database_crash_and_recover_without_a_restart()
    {
        await using var api = new ClusterApi(cluster.ConnectionString);
        _ = api.Server; // waits for the database and applies the schema
        using var client = api.CreateClient();

        var phase = (int)Phase.Up;
        var acknowledged = new ConcurrentDictionary<int, string>();
        var answers = new ConcurrentBag<(Phase Sent, Phase Received, HttpStatusCode Status, bool RetryAfter)>();
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var sent = (Phase)Volatile.Read(ref phase);
                var text = $"writer {writer} note {n}";
                using var response = await client.PostAsJsonAsync("/notes", new { text });
                answers.Add((sent, (Phase)Volatile.Read(ref phase), response.StatusCode, response.Headers.RetryAfter is not null));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    var note = await response.ShouldBeNoteAsync();
                    acknowledged[note.Id()] = note.Text();
                }
                else
                {
                    await Task.Delay(20);
                }
            }
        })).ToArray();

        try
        {
            await Until(() => acknowledged.Count >= 200, "200 creates acknowledged before the crash");
            await cluster.CrashAsync();
            Volatile.Write(ref phase, (int)Phase.Crashed);
            await Until(() => answers.Count(answer => answer.Sent == Phase.Crashed && answer.Status == HttpStatusCode.ServiceUnavailable) >= 20,
                "503s while the database is down");
            (await client.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);

            Volatile.Write(ref phase, (int)Phase.Restarting);
            await cluster.StartAsync();
            Volatile.Write(ref phase, (int)Phase.Restarted);
            await Until(() => answers.Count(answer => answer.Sent == Phase.Restarted && answer.Status == HttpStatusCode.OK) >= 100,
                "creates acknowledged again after the restart");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }

        answers.Select(answer => answer.Status).Distinct().ShouldBe([HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable], ignoreOrder: true,
            "only 200 or 503, never a 500");
        // sent and answered while the database was down (a request sent then may wait, retried, until it is back)
        answers.Where(answer => answer.Sent == Phase.Crashed && answer.Received == Phase.Crashed)
            .ShouldAllBe(answer => answer.Status == HttpStatusCode.ServiceUnavailable, "while the database is down, nothing is acknowledged");
        answers.Where(answer => answer.Status == HttpStatusCode.ServiceUnavailable).ShouldAllBe(answer => answer.RetryAfter);
        (await client.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);

        output.WriteLine($"acknowledged {acknowledged.Count} creates; answers by phase: " + string.Join(", ",
            answers.GroupBy(answer => (answer.Sent, answer.Status)).OrderBy(group => group.Key).Select(group => $"{group.Key.Sent} {(int)group.Key.Status}: {group.Count()}")));
        var stored = await StoredNotesAsync();
        var lost = acknowledged.Where(note => !stored.TryGetValue(note.Key, out var text) || text != note.Value).ToList();
        lost.ShouldBeEmpty($"{lost.Count} of {acknowledged.Count} acknowledged creates are missing after the crash");
    }

    private async Task<Dictionary<int, string>> StoredNotesAsync()
    {
        await using var connection = await OwnerConnections.OpenAsync(cluster.ConnectionString);
        await using var command = new NpgsqlCommand("select id, data->>'text' from mt_doc_note", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var notes = new Dictionary<int, string>();
        while (await reader.ReadAsync())
        {
            notes[reader.GetInt32(0)] = reader.GetString(1);
        }

        return notes;
    }

    private static async Task Until(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!condition())
        {
            if (timeout.IsCancellationRequested)
            {
                throw new TimeoutException($"Not within 60 s: {what}.");
            }

            await Task.Delay(50);
        }
    }
}
