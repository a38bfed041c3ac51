using System.Security.Cryptography;
using System.Text;

namespace Notes.Infrastructure.Idempotency;

/// <summary>
/// A request's body read through, hashed as it passes (SHA-256 of the method, the path and the body), so that an
/// import of many MiB is never held to be fingerprinted. <see cref="ReadToEnd"/> says whether the hash covers all of it.
/// </summary>
internal sealed class FingerprintingStream(Stream body, HttpRequest request) : Stream
{
    private readonly IncrementalHash _hash = Start(request);

    public bool ReadToEnd { get; private set; }

    /// <summary>The fingerprint of what was read; once only.</summary>
    public byte[] Fingerprint() => _hash.GetHashAndReset();

    /// <summary>Reads the rest of the body, for its fingerprint.</summary>
    public async Task<byte[]> DrainAsync(CancellationToken cancellationToken)
    {
        await CopyToAsync(Null, cancellationToken);
        return Fingerprint();
    }

    private static IncrementalHash Start(HttpRequest request)
    {
        var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {request.PathBase}{request.Path}{request.QueryString}\n"));
        return hash;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await body.ReadAsync(buffer, cancellationToken);
        return Seen(buffer.Span, read);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(Span<byte> buffer) => Seen(buffer, body.Read(buffer));

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    private int Seen(ReadOnlySpan<byte> buffer, int read)
    {
        _hash.AppendData(buffer[..read]);
        ReadToEnd |= read == 0 && buffer.Length > 0;
        return read;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
