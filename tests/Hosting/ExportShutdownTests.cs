using System.Text;
using Notes.Tests.Http;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Hosting;

/// <summary>
/// SIGTERM to the API while an export's reader takes nothing: once the time allowed to finish what is in flight is up,
/// the export is cut like any other (the connection aborted, never the final chunk) and logged as cut by the
/// shutdown, and the process still exits cleanly.
/// </summary>
public sealed class ExportShutdownTests
{
    private const int Notes = 60_000;

    [Fact]
    public async Task Should_abort_and_log_an_export_cut_by_shutdown_and_exit_cleanly()
    {
        var database = await TestDatabaseServer.CreateDatabaseAsync();
        try
        {
            await using var api = ApiProcess.Start(new Dictionary<string, string>
            {
                ["ConnectionStrings:Notes"] = database,
                ["Shutdown:DrainSeconds"] = "0",
                ["Shutdown:TimeoutSeconds"] = "1",
            });
            using var client = new HttpClient { BaseAddress = api.BaseAddress };
            await api.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(60));
            var notes = string.Join(',', Enumerable.Range(1, Notes).Select(i => $$"""{"text":"exported at shutdown {{i}}"}"""));
            (await client.PostAsync("/notes/import", HttpJson.AsJson($"[{notes}]"))).EnsureSuccessStatusCode();

            await using var reader = await RawHttpConnection.GetAsync(api.BaseAddress, "/notes/all");
            var start = await reader.ReadAtLeastAsync(4096);
            await api.TerminateAsync();

            (await api.WaitForExitAsync(TimeSpan.FromSeconds(30))).ShouldBeTrue(api.Output);
            var received = Encoding.UTF8.GetString(start) + Encoding.UTF8.GetString(await reader.ReadToEndAsync(TimeSpan.FromSeconds(30)));
            received.ShouldStartWith("HTTP/1.1 200 OK");
            received.ShouldNotEndWith("0\r\n\r\n", customMessage: $"{received.Length} characters");
            api.Output.ShouldMatch(@"Streaming /notes/all cut after [1-9][0-9]* items were sent \(the server shut down before it was over\)");
            api.Output.ShouldNotContain("GET /notes/all answered 200");
            api.ExitCode.ShouldBe(0, api.Output);
            api.Failures.ShouldBeEmpty(api.Output);
        }
        finally
        {
            await TestDatabaseServer.DropDatabaseAsync(database);
        }
    }
}
