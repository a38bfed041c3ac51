using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Notes.Tests.Infrastructure;

/// <summary>
/// An HTTP/1.1 request over a plain socket, for clients an HttpClient cannot play: one that stops reading, one that
/// hangs up midway, one that checks how a response ended.
/// </summary>
public sealed class RawHttpConnection : IAsyncDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
    {
        // a small receive window, set before connecting, so the server feels a reader that does not read
        ReceiveBufferSize = 4096,
    };

    private NetworkStream? _stream;

    private RawHttpConnection()
    {
    }

    public NetworkStream Stream => _stream ??= new NetworkStream(_socket, ownsSocket: true);

    /// <summary>A GET, from the client address <paramref name="forwardedFor"/> when given (the API believes X-Forwarded-For from loopback).</summary>
    public static Task<RawHttpConnection> GetAsync(Uri address, string path, string? forwardedFor = null) =>
        SendAsync(address, $"GET {path} HTTP/1.1\r\nHost: {address.Authority}\r\n{(forwardedFor is null ? "" : $"X-Forwarded-For: {forwardedFor}\r\n")}Connection: close\r\n\r\n", []);

    /// <summary>
    /// Sends a request head and then its body in pieces; a server that answers before the body is all sent (and closes)
    /// ends the sending, as it does for a real client, and its answer can still be read.
    /// </summary>
    public static async Task<RawHttpConnection> SendAsync(Uri address, string head, IEnumerable<byte[]> bodyPieces)
    {
        var connection = new RawHttpConnection();
        await connection._socket.ConnectAsync(IPAddress.Loopback, address.Port);
        try
        {
            await connection.Stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            foreach (var piece in bodyPieces)
            {
                await connection.Stream.WriteAsync(piece);
            }
        }
        catch (IOException)
        {
            // the server stopped reading: its answer is what counts
        }

        return connection;
    }

    /// <summary>Reads until at least <paramref name="bytes"/> bytes have come, and returns them.</summary>
    public async Task<byte[]> ReadAtLeastAsync(int bytes)
    {
        var buffer = new byte[bytes];
        await Stream.ReadAtLeastAsync(buffer, bytes);
        return buffer;
    }

    /// <summary>Reads to the end of the connection, however it ends (a clean close or a reset), and returns what came.</summary>
    public async Task<byte[]> ReadToEndAsync(TimeSpan patience)
    {
        using var received = new MemoryStream();
        using var timeout = new CancellationTokenSource(patience);
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await Stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException)
        {
            // reset by the server
        }

        return received.ToArray();
    }

    /// <summary>Hangs up at once, with a reset, as a client that vanished.</summary>
    public void Vanish()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    public async ValueTask DisposeAsync()
    {
        if (_stream is not null)
        {
            await _stream.DisposeAsync();
        }

        _socket.Dispose();
    }
}
