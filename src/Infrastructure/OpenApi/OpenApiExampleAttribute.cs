namespace Notes.Infrastructure.OpenApi;

/// <summary>An example of a request or response type, in JSON, shown in the OpenAPI document and at /docs.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class OpenApiExampleAttribute(string json) : Attribute
{
    public string Json { get; } = json;
}
