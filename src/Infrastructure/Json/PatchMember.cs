using System.Text.Json;
using System.Text.Json.Serialization;

namespace Notes.Infrastructure.Json;

/// <summary>
/// A member of a JSON merge patch (RFC 7396) that tells a member left out (<see cref="IsSet"/> false: leave it as it
/// is) from one sent as <c>null</c> (<see cref="IsSet"/> true, <see cref="Value"/> null).
/// </summary>
[JsonConverter(typeof(PatchMemberConverterFactory))]
public readonly record struct PatchMember<T>(T Value)
{
    public bool IsSet { get; } = true;

    public static implicit operator PatchMember<T>(T value) => new(value);
}

/// <summary>System.Text.Json only calls a converter for members that are present, so a missing one stays unset.</summary>
public sealed class PatchMemberConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(PatchMember<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(PatchMemberConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;

    private sealed class PatchMemberConverter<T> : JsonConverter<PatchMember<T>>
    {
        public override bool HandleNull => true;

        public override PatchMember<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            new(JsonSerializer.Deserialize<T>(ref reader, options)!);

        public override void Write(Utf8JsonWriter writer, PatchMember<T> value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.Value, options);
    }
}
