using System.Net;
using System.Net.Sockets;
using System.Buffers.Binary;
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
    private bool _keepFirstResult;

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
    public void LoseAnswersAfter(byte[] marker)
    {
        Volatile.Write(ref _keepFirstResult, false);
        Volatile.Write(ref _loseAnswersAfter, marker);
    }

    /// <summary>
    /// As <see cref="LoseAnswersAfter"/>, but the server's answer still comes back up to and including the first
    /// CommandComplete of a result of the marked batch: the client has its first result, and the rest is lost on the way.
    /// </summary>
    public void LoseAnswersAfterFirstResult(byte[] marker)
    {
        Volatile.Write(ref _keepFirstResult, true);
        Volatile.Write(ref _loseAnswersAfter, marker);
    }

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
            var answersLost = new StrongBox<int>();
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

    private enum Losing
    {
        Nothing,
        AfterFirstResult,
        Everything,
    }

    private async Task ForwardStatementsAsync(Stream client, Stream server, StrongBox<int> answersLost, CancellationToken stop)
    {
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await client.ReadAsync(buffer, stop)) > 0)
        {
            if (Volatile.Read(ref _loseAnswersAfter) is { } marker && buffer.AsSpan(0, read).IndexOf(marker) >= 0
                && Interlocked.CompareExchange(ref _loseAnswersAfter, null, marker) == marker)
            {
                Volatile.Write(ref answersLost.Value, (int)(Volatile.Read(ref _keepFirstResult) ? Losing.AfterFirstResult : Losing.Everything));
            }

            await server.WriteAsync(buffer.AsMemory(0, read), stop);
        }
    }

    private static async Task ForwardAnswersAsync(Stream server, Stream client, StrongBox<int> answersLost, CancellationToken stop)
    {
        var buffer = new byte[64 * 1024];
        var messages = new BackendMessages();
        int read;
        while ((read = await server.ReadAsync(buffer, stop)) > 0)
        {
            var forwarded = (Losing)Volatile.Read(ref answersLost.Value) switch
            {
                Losing.Nothing => read,
                Losing.AfterFirstResult => messages.UpToFirstCommandComplete(buffer.AsSpan(0, read)),
                _ => 0,
            };
            if (forwarded > 0)
            {
                await client.WriteAsync(buffer.AsMemory(0, forwarded), stop);
            }
        }
    }

    /// <summary>
    /// Follows the server's messages (a type byte, then an int32 big-endian length that counts itself) from the first
    /// answer to the marked batch, which starts on a message's boundary: the client waited for the answer before.
    /// </summary>
    private sealed class BackendMessages
    {
        private readonly byte[] _header = new byte[5];
        private int _headerRead;
        private long _bodyLeft;
        private bool _described;
        private bool _passed;

        /// <summary>
        /// How many bytes of <paramref name="received"/> go through: up to the end of the first CommandComplete of a
        /// result with rows (after a RowDescription), past the bare CommandComplete of the reset (DISCARD ALL) that
        /// Npgsql sends ahead of the first statement on a connection taken back from its pool.
        /// </summary>
        public int UpToFirstCommandComplete(ReadOnlySpan<byte> received)
        {
            var at = 0;
            while (!_passed && at < received.Length)
            {
                if (_headerRead < _header.Length)
                {
                    var taken = Math.Min(_header.Length - _headerRead, received.Length - at);
                    received.Slice(at, taken).CopyTo(_header.AsSpan(_headerRead));
                    _headerRead += taken;
                    at += taken;
                    if (_headerRead == _header.Length)
                    {
                        _bodyLeft = BinaryPrimitives.ReadInt32BigEndian(_header.AsSpan(1)) - 4;
                    }

                    continue;
                }

                var body = (int)Math.Min(_bodyLeft, received.Length - at);
                _bodyLeft -= body;
                at += body;
                if (_bodyLeft == 0)
                {
                    _described |= _header[0] == (byte)'T';
                    _passed = _header[0] == (byte)'C' && _described;
                    _headerRead = 0;
                }
            }

            return at;
        }
    }
}
