using System.Buffers;
using System.Text.Json;

namespace Notes.Baseline;

/// <summary>
/// A note's stored JSON (the <c>data</c> column, as PostgreSQL renders a <c>jsonb</c>) goes out as it is, as the API
/// sends it; notes written here are serialised with System.Text.Json's defaults (PostgreSQL normalises what it stores).
/// </summary>
internal sealed class StoredJson
{
    public JsonWriterOptions WriterOptions { get; } = new() { SkipValidation = true };

#pragma warning disable CA1822 // one instance per use, as the endpoints take it
    public void Write(ReadOnlySpan<byte> stored, IBufferWriter<byte> output) => output.Write(stored);
#pragma warning restore CA1822
}
