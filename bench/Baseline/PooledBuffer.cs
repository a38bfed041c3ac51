using System.Buffers;

namespace Notes.Baseline;

/// <summary>A growable buffer on pooled arrays, for an answer whose headers depend on its end (a page and its Link).</summary>
internal sealed class PooledBuffer(int initialCapacity) : IBufferWriter<byte>, IDisposable
{
    private byte[] _array = ArrayPool<byte>.Shared.Rent(initialCapacity);
    private int _written;

    public ReadOnlyMemory<byte> WrittenMemory => _array.AsMemory(0, _written);

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsSpan(_written);
    }

    public void Dispose() => ArrayPool<byte>.Shared.Return(_array);

    private void Ensure(int sizeHint)
    {
        var needed = _written + Math.Max(sizeHint, 256);
        if (needed > _array.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _array.Length * 2));
            _array.AsSpan(0, _written).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_array);
            _array = larger;
        }
    }
}
