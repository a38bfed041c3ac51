using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Notes.Infrastructure.OpenApi;

/// <summary>Adds examples to the schemas and says what the lenient JSON reading hides from the schema generator.</summary>
internal sealed class SchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (type == typeof(bool) || type == typeof(bool?))
        {
            // LenientBooleanConverter hides the type from the generator.
            schema.Type = type == typeof(bool) ? JsonSchemaType.Boolean : JsonSchemaType.Boolean | JsonSchemaType.Null;
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
}
