using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Notes.Baseline;

/// <summary>
/// Writes a note's stored JSON (the <c>data</c> column, as PostgreSQL prints a <c>jsonb</c>) as the API writes the
/// note: PostgreSQL puts a space after every <c>:</c> and <c>,</c>, writes characters outside ASCII as they are and
/// escapes only what JSON requires; System.Text.Json writes compact JSON and escapes what its encoder says. Their keys
/// come in the same order (PostgreSQL orders them by length, then bytes: id, text, completed, createdAt, updatedAt).
/// A document whose strings the encoder leaves as PostgreSQL wrote them (plain ASCII: nearly every note) is copied in
/// one pass with the spaces left out; any other is written again token by token with the encoder.
/// </summary>
internal sealed class StoredJson
{
    private readonly JsonWriterOptions _writerOptions;

    // Which bytes inside a string, and which letters after a backslash, the encoder writes as PostgreSQL does.
    private readonly bool[] _copied = new bool[128];
    private readonly bool[] _escapeCopied = new bool[128];

    public StoredJson(JavaScriptEncoder? encoder)
    {
        _writerOptions = new JsonWriterOptions { Encoder = encoder, SkipValidation = true };
        for (var b = 0x20; b < 0x7F; b++)
        {
            _copied[b] = b != '\\' && Encode(((char)b).ToString()) == $"\"{(char)b}\"";
        }

        // PostgreSQL escapes \" \\ and \b \f \n \r \t so; other control characters as \u00xx in lower case.
        foreach (var (letter, character) in new[] { ('"', '"'), ('\\', '\\'), ('b', '\b'), ('f', '\f'), ('n', '\n'), ('r', '\r'), ('t', '\t') })
        {
            _escapeCopied[letter] = Encode(character.ToString()) == $"\"\\{letter}\"";
        }
    }

    public JsonWriterOptions WriterOptions => _writerOptions;

    public void Write(ReadOnlySpan<byte> stored, IBufferWriter<byte> output)
    {
        var span = output.GetSpan(stored.Length);
        if (TryCopy(stored, span, out var written))
        {
            output.Advance(written);
        }
        else
        {
            Rewrite(stored, output);
        }
    }

    /// <summary>Copies the document without the spaces between tokens when the encoder would write its strings unchanged.</summary>
    private bool TryCopy(ReadOnlySpan<byte> stored, Span<byte> output, out int written)
    {
        written = 0;
        var inString = false;
        for (var i = 0; i < stored.Length; i++)
        {
            var b = stored[i];
            if (inString)
            {
                if (b == (byte)'\\')
                {
                    var letter = stored[++i];
                    if (letter >= 0x80 || !_escapeCopied[letter])
                    {
                        return false;
                    }

                    output[written++] = b;
                    output[written++] = letter;
                    continue;
                }

                if (b == (byte)'"')
                {
                    inString = false;
                }
                else if (b >= 0x80 || !_copied[b])
                {
                    return false;
                }
            }
            else if (b == (byte)' ')
            {
                continue;
            }
            else if (b == (byte)'"')
            {
                inString = true;
            }

            output[written++] = b;
        }

        return true;
    }

    private string Encode(string value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, _writerOptions))
        {
            writer.WriteStringValue(value);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
    private void Rewrite(ReadOnlySpan<byte> stored, IBufferWriter<byte> output)
    {
        var reader = new Utf8JsonReader(stored);
        using var writer = new Utf8JsonWriter(output, _writerOptions);
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject: writer.WriteStartObject(); break;
                case JsonTokenType.EndObject: writer.WriteEndObject(); break;
                case JsonTokenType.StartArray: writer.WriteStartArray(); break;
                case JsonTokenType.EndArray: writer.WriteEndArray(); break;
                case JsonTokenType.PropertyName: writer.WritePropertyName(reader.GetString()!); break;
                case JsonTokenType.String: writer.WriteStringValue(reader.GetString()); break;
                case JsonTokenType.Number: writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true); break;
                case JsonTokenType.True: writer.WriteBooleanValue(true); break;
                case JsonTokenType.False: writer.WriteBooleanValue(false); break;
                case JsonTokenType.Null: writer.WriteNullValue(); break;
                default: throw new JsonException($"Unexpected {reader.TokenType} in a stored note.");
            }
        }
    }
}
