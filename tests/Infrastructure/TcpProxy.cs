using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Notes.Tests.Infrastructure;

/// <summary>
/// A TCP relay on 127.0.0.1 between the API and PostgreSQL that a test can cut and restore,
/// to see what the API does while its database is unreachable, with no stand-in for the database.
/// </summary>
public sealed class TcpProxy(string targetHost, int targetPort) : IAsyncDisposable
{
    private readonly List<TcpClient> _connections = [];
    private TcpListener? _listener;
    private CancellationTokenSource? _stop;
    private byte[]? _loseAnswersAfter;

    public int Port { get; private set; }

    /// <summary>Accepts connections and relays them; on the same port as before when restarted.</summary>
    public void Start()
    {
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _stop = new CancellationTokenSource();
        _ = AcceptAsync(_listener, _stop.Token);
    }

    /// <summary>Refuses new connections and drops the open ones, as a database that went away.</summary>
    public void Cut()
    {
        _stop?.Cancel();
        _listener?.Stop();
        DropConnections();
    }

    /// <summary>Drops the open connections, as a network that failed, and goes on accepting new ones.</summary>
    public void DropConnections()
    {
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }

            _connections.Clear();
        }
    }

    /// <summary>
    /// The next connection whose client sends <paramref name="marker"/> (in a statement's text or its parameters) still
    /// delivers it to the server, but no answer of the server's comes back on it from then on, until
    /// <see cref="DropConnections"/>: a statement that ran, and maybe committed, whose answer was lost on the way.
    /// </summary>
    public void LoseAnswersAfter(byte[] marker) => Volatile.Write(ref _loseAnswersAfter, marker);

    /// <summary>Whether the statement <see cref="LoseAnswersAfter"/> waits for has gone through, its answer held back.</summary>
    public bool LosingAnswers => Volatile.Read(ref _loseAnswersAfter) is null;

    public ValueTask DisposeAsync()
    {
        Cut();
        return ValueTask.CompletedTask;
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = RelayAsync(client, stop);
        }
    }

    private async Task RelayAsync(TcpClient client, CancellationToken stop)
    {
        var server = new TcpClient();
        lock (_connections)
        {
            _connections.Add(client);
            _connections.Add(server);
        }

        try
        {
            await server.ConnectAsync(targetHost, targetPort, stop);
            await using var clientStream = client.GetStream();
            await using var serverStream = server.GetStream();
            var answersLost = new StrongBox<bool>();
            await Task.WhenAny(ForwardStatementsAsync(clientStream, serverStream, answersLost, stop), ForwardAnswersAsync(serverStream, clientStream, answersLost, stop));
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // a cut connection ends here
        }
        finally
        {
            client.Dispose();
            server.Dispose();
        }
    }

    private async Task ForwardStatementsAsync(Stream client, Stream server, StrongBox<bool> answersLost, CancellationToken stop)
    {
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await client.ReadAsync(buffer, stop)) > 0)
        {
            if (Volatile.Read(ref _loseAnswersAfter) is { } marker && buffer.AsSpan(0, read).IndexOf(marker) >= 0
                && Interlocked.CompareExchange(ref _loseAnswersAfter, null, marker) == marker)
            {
                Volatile.Write(ref answersLost.Value, true);
            }

            await server.WriteAsync(buffer.AsMemory(0, read), stop);
        }
    }

    private static async Task ForwardAnswersAsync(Stream server, Stream client, StrongBox<bool> answersLost, CancellationToken stop)
    {
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await server.ReadAsync(buffer, stop)) > 0)
        {
            if (!Volatile.Read(ref answersLost.Value))
            {
                await client.WriteAsync(buffer.AsMemory(0, read), stop);
            }
        }
    }
}
