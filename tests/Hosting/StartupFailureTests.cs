using System.Net;
using System.Net.Sockets;
using Npgsql;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Hosting;

/// <summary>
/// The built API as a process: a start-up that cannot succeed ends on its own, within the configured time, with exit
/// code 1 and one log line that says why, never a stack trace or an abort (exit 134).
/// </summary>
public sealed class StartupFailureTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Should_end_with_one_line_when_the_database_refuses_the_password()
    {
        var database = await TestDatabaseServer.CreateDatabaseAsync();
        try
        {
            var wrongPassword = new NpgsqlConnectionStringBuilder(database) { Password = "not-the-password" }.ConnectionString;
            await using var api = ApiProcess.Start(new Dictionary<string, string> { ["ConnectionStrings:Notes"] = wrongPassword });

            (await api.WaitForExitAsync(Patience)).ShouldBeTrue(api.Output);

            ShouldHaveFailedToStartWithOneLine(api).ShouldContain("password authentication failed");
            api.Output.ShouldNotContain("not-the-password");
        }
        finally
        {
            await TestDatabaseServer.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public async Task Should_hold_the_startup_timeout_against_a_server_that_accepts_connections_and_never_answers()
    {
        using var silent = new SilentServer();
        await using var api = ApiProcess.Start(new Dictionary<string, string>
        {
            ["ConnectionStrings:Notes"] = $"Host=127.0.0.1;Port={silent.Port};Database=notes;Username=notes;Password=notes",
            ["Database:StartupTimeoutSeconds"] = "3",
        });
        await api.WaitForLineAsync("Using database", Patience);
        var waiting = System.Diagnostics.Stopwatch.StartNew();

        (await api.WaitForExitAsync(Patience)).ShouldBeTrue(api.Output);

        // Npgsql's own connect timeout is 15 s: without bounding each attempt by the time left this takes 16 s.
        waiting.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(3 + 3), api.Output);
        silent.Accepted.ShouldBeGreaterThan(0);
        ShouldHaveFailedToStartWithOneLine(api).ShouldContain("did not answer within 3 s (Database:StartupTimeoutSeconds)");
    }

    [Fact]
    public async Task Should_stop_at_once_on_sigterm_while_it_waits_for_the_database()
    {
        using var silent = new SilentServer();
        await using var api = ApiProcess.Start(new Dictionary<string, string>
        {
            ["ConnectionStrings:Notes"] = $"Host=127.0.0.1;Port={silent.Port};Database=notes;Username=notes;Password=notes",
            ["Database:StartupTimeoutSeconds"] = "60",
        });
        await api.WaitForLineAsync("Using database", Patience);
        await Task.Delay(TimeSpan.FromSeconds(1)); // in the middle of a connection attempt that will never be answered

        await api.TerminateAsync();

        (await api.WaitForExitAsync(TimeSpan.FromSeconds(5))).ShouldBeTrue("SIGTERM must end the wait for the database at once:\n" + api.Output);
        ShouldHaveFailedToStartWithOneLine(api).ShouldContain("shutdown signal");
    }

    [Fact]
    public async Task Should_name_the_port_and_make_run_port_when_another_program_holds_the_port()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        var database = await TestDatabaseServer.CreateDatabaseAsync();
        try
        {
            await using var api = ApiProcess.Start(new Dictionary<string, string> { ["ConnectionStrings:Notes"] = database }, port);

            (await api.WaitForExitAsync(Patience)).ShouldBeTrue(api.Output);

            var line = ShouldHaveFailedToStartWithOneLine(api);
            line.ShouldContain($"port {port} is in use");
            line.ShouldContain("make run PORT=");
        }
        finally
        {
            await TestDatabaseServer.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public async Task Should_refuse_an_allowed_origin_that_is_not_an_origin()
    {
        var database = await TestDatabaseServer.CreateDatabaseAsync();
        try
        {
            // The seed's mistake: an origin without its scheme, which matches no browser's Origin header.
            await using var api = ApiProcess.Start(new Dictionary<string, string>
            {
                ["ConnectionStrings:Notes"] = database,
                ["Cors:AllowedOrigins"] = "localhost:5000",
            });

            (await api.WaitForExitAsync(Patience)).ShouldBeTrue(api.Output);

            ShouldHaveFailedToStartWithOneLine(api).ShouldContain("'localhost:5000' is not an origin");
        }
        finally
        {
            await TestDatabaseServer.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public async Task Should_refuse_to_start_open_when_it_would_listen_beyond_loopback()
    {
        var database = await TestDatabaseServer.CreateDatabaseAsync();
        try
        {
            // Never bound: the refusal comes before Kestrel listens.
            await using var api = ApiProcess.Start(new Dictionary<string, string>
            {
                ["ConnectionStrings:Notes"] = database,
                ["Kestrel:Endpoints:Everyone:Url"] = "http://0.0.0.0:5999",
            });

            (await api.WaitForExitAsync(Patience)).ShouldBeTrue(api.Output);

            var line = ShouldHaveFailedToStartWithOneLine(api);
            line.ShouldContain("http://0.0.0.0:5999");
            line.ShouldContain("Auth:AllowAnonymous=true");
            api.Output.ShouldNotContain("Now listening");
        }
        finally
        {
            await TestDatabaseServer.DropDatabaseAsync(database);
        }
    }

    private static string ShouldHaveFailedToStartWithOneLine(ApiProcess api)
    {
        api.ExitCode.ShouldBe(1, api.Output);
        var failure = api.Failures.ShouldHaveSingleItem(api.Output);
        failure.ShouldContain("The API did not start: ");
        api.Lines.ShouldNotContain(line => line.TrimStart().StartsWith("at ", StringComparison.Ordinal), "no stack trace:\n" + api.Output);
        api.Output.ShouldNotContain("Unhandled exception");
        api.Output.ShouldNotContain("Exception:");
        return failure;
    }

    /// <summary>Accepts TCP connections and never says a word: a database server that hangs.</summary>
    private sealed class SilentServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<Socket> _held = [];
        private readonly CancellationTokenSource _stop = new();
        private int _accepted;

        public SilentServer()
        {
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            _ = AcceptAsync();
        }

        public int Port { get; }

        public int Accepted => Volatile.Read(ref _accepted);

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            lock (_held)
            {
                _held.ForEach(socket => socket.Dispose());
            }

            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var socket = await _listener.AcceptSocketAsync(_stop.Token);
                    Interlocked.Increment(ref _accepted);
                    lock (_held)
                    {
                        _held.Add(socket);
                    }
                }
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // stopped
            }
        }
    }
}
