using System.Text.Json;
using System.Text.Json.Serialization;

namespace Notes.Infrastructure.Json;

/// <summary>
/// Reads <c>true</c>/<c>false</c> and, as the seed's clients send them, the strings "true"/"false" in any case;
/// nothing else (no padding, no numbers).
/// </summary>
public sealed class LenientBooleanConverter : JsonConverter<bool>
{
    public override bool Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        JsonTokenType.String when reader.GetString() is { } text && text.Equals("true", StringComparison.OrdinalIgnoreCase) => true,
        JsonTokenType.String when reader.GetString() is { } text && text.Equals("false", StringComparison.OrdinalIgnoreCase) => false,
        _ => throw new JsonException("Expected true or false."),
    };

    public override void Write(Utf8JsonWriter writer, bool value, JsonSerializerOptions options) => writer.WriteBooleanValue(value);
}
