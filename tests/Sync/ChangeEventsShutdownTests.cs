using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using Notes.Tests.Http;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Sync;

/// <summary>
/// Streams of changes on a real process: SIGTERM ends each open stream with the final chunk (its clients see the end
/// of the response, not a broken connection, and reconnect elsewhere), and the process exits cleanly; a stream with
/// nothing to say sends heartbeats.
/// </summary>
public sealed class ChangeEventsShutdownTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Should_end_every_open_stream_cleanly_on_sigterm_and_exit_cleanly()
    {
        var database = await TestDatabaseServer.CreateDatabaseAsync();
        try
        {
            await using var api = ApiProcess.Start(new Dictionary<string, string>
            {
                ["ConnectionStrings:Notes"] = database,
                ["Shutdown:DrainSeconds"] = "2",
                ["Shutdown:TimeoutSeconds"] = "20",
            });
            using var client = new HttpClient { BaseAddress = api.BaseAddress };
            await api.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(60));
            var streams = new List<RawHttpConnection>();
            try
            {
                for (var i = 0; i < 3; i++)
                {
                    streams.Add(await OpenAsync(api.BaseAddress));
                }

                await (await client.PostAsJsonAsync("/notes", new { text = "seen live on every stream" })).ShouldBeNoteAsync();
                var received = await Task.WhenAll(streams.Select(stream => ReadUntilAsync(stream, "seen live on every stream")));

                await api.TerminateAsync();
                var signalled = Stopwatch.StartNew();
                var ends = await Task.WhenAll(streams.Select(ReadToCleanEndAsync));

                signalled.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10), "the streams end at the signal, long before the shutdown timeout");
                foreach (var (start, end) in received.Zip(ends))
                {
                    var whole = start + end;
                    whole.ShouldStartWith("HTTP/1.1 200 OK");
                    whole.ShouldContain("Transfer-Encoding: chunked");
                    whole.ShouldEndWith("\r\n0\r\n\r\n", customMessage: "the final chunk ends the body");
                }
            }
            finally
            {
                foreach (var stream in streams)
                {
                    await stream.DisposeAsync();
                }
            }

            (await api.WaitForExitAsync(TimeSpan.FromSeconds(30))).ShouldBeTrue(api.Output);
            api.ExitCode.ShouldBe(0, api.Output);
            api.Failures.ShouldBeEmpty(api.Output);
        }
        finally
        {
            await TestDatabaseServer.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public async Task Should_send_a_heartbeat_while_nothing_changes()
    {
        var database = await TestDatabaseServer.CreateDatabaseAsync();
        try
        {
            await using var api = ApiProcess.Start(new Dictionary<string, string>
            {
                ["ConnectionStrings:Notes"] = database,
                ["Shutdown:DrainSeconds"] = "0",
                ["ChangeStreams:HeartbeatSeconds"] = "1",
            });
            using var client = new HttpClient { BaseAddress = api.BaseAddress };
            await api.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(60));
            await using var stream = await OpenAsync(api.BaseAddress);

            // the stream starts with one at once; the next ones come only when a heartbeat interval passes unchanged
            var opened = Stopwatch.StartNew();
            var received = await ReadUntilAsync(stream, ": heartbeat\n\n: heartbeat\n\n: heartbeat\n\n", dechunked: true);

            opened.Elapsed.ShouldBeGreaterThan(TimeSpan.FromSeconds(1.5), received);
            opened.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10), received);
            received.ShouldNotContain("data:");
        }
        finally
        {
            await TestDatabaseServer.DropDatabaseAsync(database);
        }
    }

    private static Task<RawHttpConnection> OpenAsync(Uri address) =>
        RawHttpConnection.SendAsync(address, $"GET /notes/changes?since=now HTTP/1.1\r\nHost: {address.Authority}\r\nAccept: text/event-stream\r\nConnection: close\r\n\r\n", []);

    /// <summary>Reads until <paramref name="text"/> has come (in the body with its chunk framing taken out, when <paramref name="dechunked"/>).</summary>
    private static async Task<string> ReadUntilAsync(RawHttpConnection connection, string text, bool dechunked = false)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var received = new StringBuilder();
        var buffer = new byte[8192];
        while (!(dechunked ? Dechunked(received.ToString()) : received.ToString()).Contains(text, StringComparison.Ordinal))
        {
            var read = await connection.Stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                throw new ShouldAssertException($"the stream ended before '{text}':\n{received}");
            }

            received.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        return received.ToString();
    }

    /// <summary>The rest of the response up to the server's close, which must be a clean one (no reset).</summary>
    private static async Task<string> ReadToCleanEndAsync(RawHttpConnection connection)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var received = new StringBuilder();
        var buffer = new byte[8192];
        int read;
        try
        {
            while ((read = await connection.Stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                received.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }
        }
        catch (IOException exception) when (exception.InnerException is SocketException socket)
        {
            throw new ShouldAssertException($"the stream broke ({socket.SocketErrorCode}) instead of ending:\n{received}");
        }

        return received.ToString();
    }

    /// <summary>A chunked body's content, its chunk sizes taken out.</summary>
    private static string Dechunked(string response)
    {
        var body = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (body < 0)
        {
            return "";
        }

        var content = new StringBuilder();
        var at = body + 4;
        while (response.IndexOf("\r\n", at, StringComparison.Ordinal) is var end and >= 0
            && int.TryParse(response.AsSpan(at, end - at), System.Globalization.NumberStyles.HexNumber, null, out var size)
            && end + 2 + size <= response.Length)
        {
            content.Append(response, end + 2, size);
            at = end + 2 + size + 2;
            if (at > response.Length)
            {
                break;
            }
        }

        return content.ToString();
    }
}
