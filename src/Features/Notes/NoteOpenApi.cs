using Microsoft.Net.Http.Headers;
using Notes.Infrastructure.OpenApi;

namespace Notes.Features.Notes;

/// <summary>What the OpenAPI document says of every answer that carries a note.</summary>
internal static class NoteOpenApi
{
    public static TBuilder ProducesNote<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithResponseHeader(StatusCodes.Status200OK, HeaderNames.ETag, "The note's revision, e.g. \"3\": send it in If-Match or If-None-Match.");
}
