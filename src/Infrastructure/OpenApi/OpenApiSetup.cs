using Scalar.AspNetCore;

namespace Notes.Infrastructure.OpenApi;

/// <summary>The OpenAPI document at /openapi.json and interactive docs at /docs: the seed's (FastAPI's) paths.</summary>
public static class OpenApiSetup
{
    public static IServiceCollection AddNotesOpenApi(this IServiceCollection services)
    {
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Notes API";
            document.Info.Version = "v1";
            document.Info.Description = ApiDescription.Value;
            return Task.CompletedTask;
        }));
        return services;
    }

    public static WebApplication MapNotesOpenApi(this WebApplication app)
    {
        app.MapOpenApi("/openapi.json");
        app.MapScalarApiReference("/docs", options => options
            .WithTitle("Notes API")
            .WithOpenApiRoutePattern("/openapi.json"));
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
