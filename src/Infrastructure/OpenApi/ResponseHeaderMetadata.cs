namespace Notes.Infrastructure.OpenApi;

/// <summary>A header an endpoint sends with one of its responses, for the OpenAPI document.</summary>
public sealed record ResponseHeaderMetadata(int StatusCode, string Name, string Description);

public static class ResponseHeaderExtensions
{
    public static TBuilder WithResponseHeader<TBuilder>(this TBuilder builder, int statusCode, string name, string description)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ResponseHeaderMetadata(statusCode, name, description));
}
