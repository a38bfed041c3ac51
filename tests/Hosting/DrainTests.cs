using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using Npgsql;
using Notes.Tests.Http;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Hosting;

/// <summary>
/// SIGTERM to the running API: /health/ready turns 503 at once while every request is still served for the drain
/// period; then the listener closes, and a request in flight across that moment still gets its answer.
/// </summary>
public sealed class DrainTests
{
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Should_report_not_ready_and_keep_serving_for_the_drain_then_finish_what_is_in_flight()
    {
        var database = await TestDatabaseServer.CreateDatabaseAsync();
        try
        {
            await using var api = ApiProcess.Start(new Dictionary<string, string>
            {
                ["ConnectionStrings:Notes"] = database,
                ["Shutdown:DrainSeconds"] = Drain.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
            using var client = new HttpClient { BaseAddress = api.BaseAddress };
            await api.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(60));

            // A create whose body is half sent when the signal comes, and the rest only after the listener has closed.
            const string body = """{"text":"in flight across the close","completed":false}""";
            using var inFlight = await StartPostAsync(api.Port, body[..20], Encoding.UTF8.GetByteCount(body));

            await api.TerminateAsync();
            var signalled = Stopwatch.StartNew();

            // The signal is handled on a thread of its own: allow it a moment, far less than the drain.
            while ((await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK && signalled.Elapsed < TimeSpan.FromSeconds(1))
            {
                await Task.Delay(20);
            }

            (await client.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, "not ready within a second of the signal");
            (await client.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
            var served = await (await client.PostAsJsonAsync("/notes", new { text = "created while draining" })).ShouldBeNoteAsync();
            var listed = await client.GetAsync("/notes");
            listed.StatusCode.ShouldBe(HttpStatusCode.OK);
            listed.Headers.ConnectionClose.ShouldBe(true, "while draining, clients are told to open their next connection elsewhere");
            signalled.Elapsed.ShouldBeLessThan(Drain, "the checks above ran inside the drain period");

            while (await FreePort.AcceptsAsync(api.Port) && signalled.Elapsed < Drain + TimeSpan.FromSeconds(10))
            {
                await Task.Delay(50);
            }

            signalled.Elapsed.ShouldBeGreaterThanOrEqualTo(Drain - TimeSpan.FromMilliseconds(200), "the listener stays open for the drain");
            (await FreePort.AcceptsAsync(api.Port)).ShouldBeFalse("after the drain the listener is closed");

            var answer = await FinishPostAsync(inFlight, body[20..]);
            answer.ShouldStartWith("HTTP/1.1 200 OK", Case.Sensitive, answer + "\n" + api.Output);
            answer.ShouldContain("in flight across the close");

            (await api.WaitForExitAsync(TimeSpan.FromSeconds(30))).ShouldBeTrue(api.Output);
            api.ExitCode.ShouldBe(0, api.Output);
            api.Failures.ShouldBeEmpty(api.Output);
            (await StoredTextsAsync(database)).ShouldBe(["created while draining", "in flight across the close"], ignoreOrder: true);
            served.Text().ShouldBe("created while draining");
        }
        finally
        {
            await TestDatabaseServer.DropDatabaseAsync(database);
        }
    }

    private static async Task<Socket> StartPostAsync(int port, string firstPart, int contentLength)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port);
        var head = $"POST /notes HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {contentLength}\r\n\r\n{firstPart}";
        await socket.SendAsync(Encoding.UTF8.GetBytes(head));
        return socket;
    }

    private static async Task<string> FinishPostAsync(Socket socket, string rest)
    {
        await socket.SendAsync(Encoding.UTF8.GetBytes(rest));
        var buffer = new byte[8192];
        var answer = new StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (!answer.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) || !answer.ToString().TrimEnd().EndsWith('}'))
        {
            var read = await socket.ReceiveAsync(buffer, timeout.Token);
            if (read == 0)
            {
                break;
            }

            answer.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        return answer.ToString();
    }

    private static async Task<List<string>> StoredTextsAsync(string database)
    {
        await using var connection = await OwnerConnections.OpenAsync(database);
        await using var command = new NpgsqlCommand("select data->>'text' from mt_doc_note", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var texts = new List<string>();
        while (await reader.ReadAsync())
        {
            texts.Add(reader.GetString(0));
        }

        return texts;
    }
}
