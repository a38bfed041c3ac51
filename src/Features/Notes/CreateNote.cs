using System.ComponentModel.DataAnnotations;
using Microsoft.Net.Http.Headers;
using Npgsql;
using NpgsqlTypes;
using Notes.Infrastructure.Database;
using Notes.Infrastructure.Idempotency;
using Notes.Infrastructure.Notifications;
using Notes.Infrastructure.OpenApi;

namespace Notes.Features.Notes;

/// <summary>POST /notes: stores a new note and answers 200 (the seed's code) with it and its Location.</summary>
public static class CreateNote
{
    /// <param name="Text">The note's text: not blank, at most 100 characters (Unicode code points).</param>
    /// <param name="Completed">Whether it is done; false when left out.</param>
    [OpenApiExample("""{"text":"Buy milk","completed":false}""")]
    public sealed record Command([property: Required, MinLength(1), MaxLength(Note.MaxTextLength)] string Text, bool Completed = false) : IRequest<StoredNote>, IChangesNotes;

    internal sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(command => command.Text).ValidNoteText();
    }

    internal sealed class Handler(IDocumentSession session, NoteTable table, HiLoIds<Note> ids, TimeProvider clock) : IRequestHandler<Command, StoredNote>
    {
        public async Task<StoredNote> Handle(Command command, CancellationToken cancellationToken)
        {
            var now = Note.Timestamp(clock);
            var note = new Note { Id = await ids.NextAsync(cancellationToken), Text = command.Text, Completed = command.Completed, CreatedAt = now, UpdatedAt = now };
            var json = new NpgsqlParameter { Value = session.DocumentStore.Options.Serializer().ToJson(note), NpgsqlDbType = NpgsqlDbType.Jsonb };
            // The row Marten's own Insert writes, in one statement outside a transaction: one round trip.
            return (await session.ReadNoteAsync(NoteStatements.Statement(table.Insert, note.Id, json, table.DotNetTypeName, note.Completed, now), cancellationToken))!;
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPost("/notes", async Task<Utf8ContentHttpResult> (Command? command, IMediator mediator, HttpResponse response, CancellationToken cancellationToken) =>
                {
                    // An empty body is a request with every field missing: the validator names what is required.
                    var note = await mediator.Send(command ?? new Command(Text: null!), cancellationToken);
                    response.Headers.Location = $"/notes/{note.Id}";
                    return NoteHttp.Json(note, response);
                })
                .WithIdempotency()
                .WithName(nameof(CreateNote))
                .WithSummary("Create a note")
                .ProducesNote()
                .WithResponseHeader(StatusCodes.Status200OK, HeaderNames.Location, "The note's address, e.g. /notes/7.")
                .ProducesProblem(StatusCodes.Status400BadRequest)
                .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
                .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
                .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
                .ProducesProblem(StatusCodes.Status507InsufficientStorage);
    }
}
