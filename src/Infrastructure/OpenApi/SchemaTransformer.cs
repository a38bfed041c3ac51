using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Notes.Infrastructure.Json;

namespace Notes.Infrastructure.OpenApi;

/// <summary>Adds examples to the schemas and says what the lenient JSON reading hides from the schema generator.</summary>
internal sealed class SchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        // The members of a merge patch are never required: one left out stays as it is.
        foreach (var property in context.JsonTypeInfo.Properties.Where(property => IsPatchMember(property.PropertyType)))
        {
            schema.Required?.Remove(property.Name);
        }

        if (IsPatchMember(type))
        {
            // A merge patch member is its value when present; leaving it out leaves the field as it is.
            type = Nullable.GetUnderlyingType(type.GetGenericArguments()[0]) ?? type.GetGenericArguments()[0];
            schema.Type = type == typeof(string) ? JsonSchemaType.String : null;
        }

        if (type == typeof(bool) || type == typeof(bool?))
        {
            // LenientBooleanConverter hides the type from the generator. Null is never accepted where a boolean is
            // expected (a bool? member only tells a missing value from a given one): the type is boolean.
            schema.Type = JsonSchemaType.Boolean;
            schema.Description = $"{schema.Description} The strings \"true\" and \"false\" are read as booleans too.".Trim();
        }
        else if (type == typeof(HttpValidationProblemDetails))
        {
            schema.Examples = [JsonNode.Parse("""
                {"type":"https://tools.ietf.org/html/rfc4918#section-11.2","title":"The request breaks a rule","status":422,
                 "detail":"'text' must not be blank.","instance":"/notes","errors":{"text":["'text' must not be blank."]},
                 "traceId":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"}
                """)!];
        }
        else if (type == typeof(ProblemDetails))
        {
            schema.Examples = [JsonNode.Parse("""
                {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.5","title":"Note not found","status":404,
                 "detail":"Note with id 7 was not found.","instance":"/notes/7",
                 "traceId":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"}
                """)!];
        }
        else if (type.GetCustomAttribute<OpenApiExampleAttribute>() is { } example)
        {
            schema.Examples = [JsonNode.Parse(example.Json)!];
        }

        return Task.CompletedTask;
    }

    public static bool IsPatchMember(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(PatchMember<>);
}
