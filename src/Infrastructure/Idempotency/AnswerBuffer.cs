namespace Notes.Infrastructure.Idempotency;

/// <summary>
/// Holds a response's body until its answer is kept, so that no client sees an answer whose key a retry would not
/// find yet. Past <paramref name="limit"/> bytes it gives up keeping it: what it held goes out, and the rest passes through.
/// While it holds the body it can be emptied (<see cref="SetLength"/>), as the exception handler does before a problem.
/// </summary>
internal sealed class AnswerBuffer(Stream response, int limit) : Stream
{
    private MemoryStream? _held = new();

    /// <summary>Whether the body outgrew the limit, and so went out unkept.</summary>
    public bool Overflowed => _held is null;

    public byte[] Held => _held?.ToArray() ?? [];

    /// <summary>Sends what is held.</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        if (_held is { Length: > 0 } held)
        {
            await response.WriteAsync(held.GetBuffer().AsMemory(0, (int)held.Length), cancellationToken);
            held.SetLength(0);
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_held is { } held && held.Length + buffer.Length <= limit)
        {
            held.Write(buffer.Span);
            return;
        }

        await ReleaseAsync(cancellationToken);
        _held = null;
        await response.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => Overflowed ? response.FlushAsync(cancellationToken) : Task.CompletedTask;

    public override void Flush()
    {
        if (Overflowed)
        {
            response.Flush();
        }
    }

    public override bool CanRead => false;

    public override bool CanSeek => !Overflowed;

    public override bool CanWrite => true;

    public override long Length => _held?.Length ?? throw new NotSupportedException();

    public override long Position
    {
        get => _held?.Position ?? throw new NotSupportedException();
        set => (_held ?? throw new NotSupportedException()).Position = value;
    }

    public override long Seek(long offset, SeekOrigin origin) => (_held ?? throw new NotSupportedException()).Seek(offset, origin);

    public override void SetLength(long value) => (_held ?? throw new NotSupportedException()).SetLength(value);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
