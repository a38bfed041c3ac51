using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;

namespace Notes.Baseline;

/// <summary>The members a request body gave: <c>Has…</c> false when left out, the value null when sent as null.</summary>
internal readonly record struct NoteFields(bool HasText, string? Text, bool HasCompleted, bool? Completed);

/// <summary>
/// Reads the body of POST, PUT and PATCH as the API does: JSON whatever content type is declared, property names in any
/// case, unknown ones ignored, and <c>completed</c> as true/false or the strings "true"/"false" in any case.
/// </summary>
internal static class NoteBodies
{
    public const long MaxBytes = 64 * 1024;

    /// <summary>The fields of the body, or null when it is empty or JSON null; throws <see cref="JsonException"/> when it is not a note.</summary>
    public static async Task<NoteFields?> ReadAsync(PipeReader body, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await body.ReadAsync(cancellationToken);
            if (result.IsCompleted)
            {
                try
                {
                    return Parse(result.Buffer);
                }
                finally
                {
                    body.AdvanceTo(result.Buffer.End);
                }
            }

            body.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    private static NoteFields? Parse(ReadOnlySequence<byte> json)
    {
        if (json.IsEmpty)
        {
            return null;
        }

        var reader = new Utf8JsonReader(json);
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("The body is not a JSON object.");
        }

        var fields = default(NoteFields);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("text"u8) || IsNamed(ref reader, "text"))
            {
                reader.Read();
                fields = fields with
                {
                    HasText = true,
                    Text = reader.TokenType switch
                    {
                        JsonTokenType.String => reader.GetString(),
                        JsonTokenType.Null => null,
                        _ => throw new JsonException("'text' must be a string."),
                    },
                };
            }
            else if (reader.ValueTextEquals("completed"u8) || IsNamed(ref reader, "completed"))
            {
                reader.Read();
                fields = fields with { HasCompleted = true, Completed = ReadBoolean(ref reader) };
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return reader.TokenType == JsonTokenType.EndObject && !reader.Read()
            ? fields
            : throw new JsonException("The body is not one JSON object.");
    }

    private static bool IsNamed(ref Utf8JsonReader reader, string name) =>
        string.Equals(reader.GetString(), name, StringComparison.OrdinalIgnoreCase);

    private static bool? ReadBoolean(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        JsonTokenType.Null => null,
        JsonTokenType.String when reader.GetString() is { } text && text.Equals("true", StringComparison.OrdinalIgnoreCase) => true,
        JsonTokenType.String when reader.GetString() is { } text && text.Equals("false", StringComparison.OrdinalIgnoreCase) => false,
        _ => throw new JsonException("'completed' must be true or false."),
    };
}
