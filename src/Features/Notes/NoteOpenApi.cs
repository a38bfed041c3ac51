using Microsoft.Net.Http.Headers;
using Notes.Infrastructure.OpenApi;

namespace Notes.Features.Notes;

/// <summary>What the OpenAPI document says of every answer that carries a note.</summary>
internal static class NoteOpenApi
{
    /// <summary>200 with a note (written from its stored JSON, which the schema generator cannot see) and its ETag.</summary>
    public static RouteHandlerBuilder ProducesNote(this RouteHandlerBuilder builder) =>
        builder.Produces<Note>(StatusCodes.Status200OK, "application/json")
            .WithResponseHeader(StatusCodes.Status200OK, HeaderNames.ETag, "The note's revision, e.g. \"3\": send it in If-Match or If-None-Match.");
}
