using System.Globalization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Notes.Infrastructure.OpenApi;

/// <summary>The OpenAPI document at /openapi.json and interactive docs at /docs: the seed's (FastAPI's) paths.</summary>
public static class OpenApiSetup
{
    public static IServiceCollection AddNotesOpenApi(this IServiceCollection services)
    {
        services.AddOpenApi(options =>
        {
            // Nested request types are named after their use case: CreateNoteCommand, UpdateNoteBody, ...
            // Merge patch members are inlined: each is its value's schema.
            options.CreateSchemaReferenceId = typeInfo =>
                SchemaTransformer.IsPatchMember(typeInfo.Type) ? null
                : typeInfo.Type.DeclaringType is { } useCase && !typeInfo.Type.IsGenericType ? useCase.Name + typeInfo.Type.Name
                : OpenApiOptions.CreateDefaultSchemaReferenceId(typeInfo);
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Notes API";
                document.Info.Version = "v1";
                document.Info.Description = ApiDescription.Value;
                return Task.CompletedTask;
            });
            options.AddSchemaTransformer<SchemaTransformer>();
            options.AddOperationTransformer((operation, context, _) =>
            {
                // Every notes endpoint reads or writes the database, so each may answer 503 while it is unreachable.
                if (context.Description.RelativePath?.StartsWith("notes", StringComparison.Ordinal) == true && operation.Responses is { } responses)
                {
                    responses["503"] = new OpenApiResponse
                    {
                        Description = "The database is unreachable; retry after the Retry-After seconds.",
                        Content = new Dictionary<string, OpenApiMediaType>
                        {
                            ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference("ProblemDetails", context.Document) },
                        },
                    };
                }

                foreach (var header in context.Description.ActionDescriptor.EndpointMetadata.OfType<ResponseHeaderMetadata>())
                {
                    if (operation.Responses?.TryGetValue(header.StatusCode.ToString(CultureInfo.InvariantCulture), out var response) == true
                        && response is OpenApiResponse described)
                    {
                        described.Headers ??= new Dictionary<string, IOpenApiHeader>();
                        described.Headers[header.Name] = new OpenApiHeader { Description = header.Description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
                    }
                }

                return Task.CompletedTask;
            });
        });
        return services;
    }

    public static WebApplication MapNotesOpenApi(this WebApplication app)
    {
        app.MapOpenApi("/openapi.json");
        app.MapScalarApiReference("/docs", options => options
            .WithTitle("Notes API")
            .WithOpenApiRoutePattern("/openapi.json")
            // the docs page works offline and sends nothing anywhere (nor would its Content-Security-Policy let it)
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .HideDeveloperTools());
        return app;
    }

    /// <summary>The API's description, written in Markdown beside this file (as the seed's API_description.md).</summary>
    private static readonly Lazy<string> ApiDescription = new(() =>
    {
        using var stream = typeof(OpenApiSetup).Assembly.GetManifestResourceStream("api-description.md")
            ?? throw new InvalidOperationException("The embedded api-description.md is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });
}
