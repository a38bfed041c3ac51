using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Notes.Tests.Http;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Telemetry;

/// <summary>
/// No note text in any log line, at any level, of any category, when a write fails: its client gave up while it waited
/// on a locked row, the database went away under it, or it ran out of time. Marten's own logger writes the values of a
/// failed statement's parameters, the note's JSON among them.
/// </summary>
public sealed class NoteTextInLogsTests(NoteTextInLogsTests.ApiLoggingEverything api) : IClassFixture<NoteTextInLogsTests.ApiLoggingEverything>
{
    private readonly string _secret = $"TOP-SECRET body text {Guid.NewGuid():N}";

    /// <summary>Every log line from Trace up, through a relay to cut, with a command timeout a test can outwait.</summary>
    public sealed class ApiLoggingEverything : NotesApi
    {
        public const int CommandTimeoutSeconds = 3;

        public CapturedLogs Logs { get; } = new();

        protected override bool ThroughRelay => true;

        protected override string DatabaseConnectionString =>
            new NpgsqlConnectionStringBuilder(base.DatabaseConnectionString) { CommandTimeout = CommandTimeoutSeconds }.ConnectionString;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            // a rule for this provider alone, with no category, outranks every other: all of it reaches the capture
            builder.ConfigureLogging(logging => logging.AddProvider(Logs).AddFilter<CapturedLogs>(null, LogLevel.Trace));
        }
    }

    [Fact]
    public async Task Should_log_no_note_text_when_a_write_succeeds()
    {
        using var client = api.CreateClient();
        var answered = Answered();

        var note = await (await client.PostAsJsonAsync("/notes", new { text = _secret })).ShouldBeNoteAsync();
        await (await client.PutAsJsonAsync($"/notes/{note.Id()}", new { text = _secret + " again", completed = true })).ShouldBeNoteAsync();

        await UntilAsync(() => Task.FromResult(Answered() > answered));
        ShouldNotHaveLogged(_secret);
    }

    [Fact]
    public Task Should_log_no_note_text_when_the_client_gives_up_on_a_write_waiting_for_a_locked_row() =>
        WriteToALockedNoteAsync(async (client, id) =>
        {
            var answered = Answered();
            using var giveUp = new CancellationTokenSource();
            var sent = client.PutAsJsonAsync($"/notes/{id}", new { text = _secret, completed = true }, giveUp.Token);
            await UntilAsync(WaitingOnALockAsync);
            await giveUp.CancelAsync();
            await Should.ThrowAsync<TaskCanceledException>(sent);
            await UntilAsync(() => Task.FromResult(Answered() > answered));
        });

    [Fact]
    public Task Should_log_no_note_text_when_the_database_goes_away_during_a_write_or_before_it() =>
        WriteToALockedNoteAsync(async (client, id) =>
        {
            var sent = client.PutAsJsonAsync($"/notes/{id}", new { text = _secret, completed = true });
            await UntilAsync(WaitingOnALockAsync);
            api.Relay.Cut();
            try
            {
                await (await sent).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
                await (await client.PostAsJsonAsync("/notes", new { text = _secret })).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
            }
            finally
            {
                api.Relay.Start();
            }
        });

    [Fact]
    public Task Should_log_no_note_text_when_a_write_times_out() =>
        WriteToALockedNoteAsync(async (client, id) =>
            await (await client.PutAsJsonAsync($"/notes/{id}", new { text = _secret, completed = true })).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable));

    /// <summary>
    /// Runs a write of the secret on a note whose row a connection of the test's own holds locked (in a transaction,
    /// until the write is done), then checks every log line.
    /// </summary>
    private async Task WriteToALockedNoteAsync(Func<HttpClient, int, Task> write)
    {
        using var client = api.CreateClient();
        var note = await (await client.PostAsJsonAsync("/notes", new { text = "locked" })).ShouldBeNoteAsync();
        await using (var connection = await api.OpenConnectionAsync())
        {
            await using var command = new NpgsqlCommand($"begin; select 1 from public.mt_doc_note where id = {note.Id()} for update", connection);
            await command.ExecuteNonQueryAsync();
            await write(client, note.Id());
        }

        ShouldNotHaveLogged(_secret);
    }

    private void ShouldNotHaveLogged(string secret)
    {
        var entries = api.Logs.Entries;
        entries.ShouldContain(entry => entry.Level == LogLevel.Trace, "the capture sees every level");
        entries.ShouldContain(entry => entry.Category == "Notes.Requests" && entry.Message.StartsWith("PUT ", StringComparison.Ordinal));
        entries.Where(entry => entry.Message.Contains(secret, StringComparison.Ordinal) || entry.Exception?.ToString().Contains(secret, StringComparison.Ordinal) == true)
            .Select(entry => $"{entry.Level} {entry.Category}: {entry.Message}")
            .ShouldBeEmpty();
    }

    private int Answered() => api.Logs.Entries.Count(entry => entry.Category == "Notes.Requests" && entry.Message.StartsWith("PUT ", StringComparison.Ordinal));

    /// <summary>Whether a statement of the API's waits on a lock now.</summary>
    private async Task<bool> WaitingOnALockAsync()
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'", connection);
        return (long)(await command.ExecuteScalarAsync())! > 0;
    }

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline);
            await Task.Delay(20);
        }
    }
}
