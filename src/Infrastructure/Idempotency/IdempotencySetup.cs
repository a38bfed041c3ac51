using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Notes.Infrastructure.Idempotency;

/// <summary>Marks an endpoint that takes <c>Idempotency-Key</c>.</summary>
public sealed record IdempotentMetadata;

public static class IdempotencySetup
{
    /// <summary>The endpoint takes <c>Idempotency-Key</c>: a retry with the key gets the first answer again.</summary>
    public static TBuilder WithIdempotency<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new IdempotentMetadata());

    public static IServiceCollection AddNotesIdempotency(this IServiceCollection services)
    {
        services.AddSingleton<IdempotencyKeys>();
        services.Configure<OpenApiOptions>("v1", options => options.AddOperationTransformer((operation, context, _) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IdempotentMetadata>().Any())
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = IdempotencyMiddleware.Header,
                    In = ParameterLocation.Header,
                    Description = "Makes the write safe to retry (draft-ietf-httpapi-idempotency-key-header): a repeat with the same key within 24 hours "
                        + "gets the first answer again and changes nothing; the same key with another request is 422, while the first still runs 409. "
                        + $"1 to {IdempotencyMiddleware.MaxKeyLength} printable ASCII characters, e.g. a UUID, per signed-in person.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = IdempotencyMiddleware.MaxKeyLength },
                    Example = System.Text.Json.Nodes.JsonValue.Create("8e03978e-40d5-43e8-bc93-6894a57f9324"),
                });
                if (operation.Responses is { } responses)
                {
                    responses["409"] = Problem("A request with the same Idempotency-Key is still being processed: retry later.", context.Document);
                    responses.TryAdd("422", Problem("The request breaks a rule, or its Idempotency-Key was used for another request.", context.Document));
                }
            }

            return Task.CompletedTask;
        }));
        return services;
    }

    /// <summary>
    /// After the caller is known (its owner holds the keys) and before the request's time limit (whose 503 it sees and
    /// does not keep); only for a request that carries the header to an endpoint that takes it. The exception handler
    /// inside turns what the endpoint throws into the problem the middleware keeps.
    /// </summary>
    public static IApplicationBuilder UseNotesIdempotency(this IApplicationBuilder app) =>
        app.UseWhen(
            context => context.Request.Headers.ContainsKey(IdempotencyMiddleware.Header) && context.GetEndpoint()?.Metadata.GetMetadata<IdempotentMetadata>() is not null,
            branch => branch.UseMiddleware<IdempotencyMiddleware>().UseExceptionHandler());

    private static OpenApiResponse Problem(string description, OpenApiDocument? document) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference("ProblemDetails", document) },
        },
    };
}
