using System.Diagnostics;
using Carter;
using FluentValidation;
using JasperFx;
using Marten;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Notes.Infrastructure.OpenApi;

namespace Notes.Features.Notes;

/// <summary>
/// PUT /notes/{id}: replaces a note's text and completed flag. With <c>If-Match</c> it only replaces the
/// revision the client read (else 412); without it, the last writer wins.
/// </summary>
public static class UpdateNote
{
    /// <param name="Text">The note's new text: not blank, at most 100 characters.</param>
    /// <param name="Completed">Its new completed flag; required, as a replacement leaves nothing out.</param>
    [OpenApiExample("""{"text":"Buy oat milk","completed":true}""")]
    public sealed record Body(string Text, bool? Completed);

    public sealed record Command(int Id, string Text, bool? Completed, string? IfMatch = null) : IRequest<Outcome>;

    public abstract record Outcome
    {
        public sealed record Updated(Note Note) : Outcome;

        public sealed record NotFound : Outcome;

        public sealed record VersionMismatch : Outcome;
    }

    internal sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(command => command.Text).ValidNoteText();
            RuleFor(command => command.Completed).NotNull().WithMessage("'completed' is required.");
        }
    }

    internal sealed class Handler(IDocumentSession session, TimeProvider clock) : IRequestHandler<Command, Outcome>
    {
        // Each lost race means another writer's update landed, so writers make progress; the bound only
        // stops a pathological pile-up on one note (it then answers 409).
        private const int Attempts = 20;

        public async Task<Outcome> Handle(Command command, CancellationToken cancellationToken)
        {
            for (var attempt = 1; ; attempt++)
            {
                var note = await session.LoadAsync<Note>(command.Id, cancellationToken);
                if (note is null)
                {
                    return new Outcome.NotFound();
                }

                if (command.IfMatch is { } expected && expected != "*" && expected != note.ETag())
                {
                    return new Outcome.VersionMismatch();
                }

                note.Text = command.Text;
                note.Completed = command.Completed.GetValueOrDefault();
                note.UpdatedAt = clock.GetUtcNow().UtcDateTime;
                // Saves only if the stored revision is still the one just read.
                session.UpdateRevision(note, note.Version + 1);
                try
                {
                    await session.SaveChangesAsync(cancellationToken);
                    return new Outcome.Updated(note);
                }
                catch (ConcurrencyException) when (command.IfMatch is null && attempt < Attempts)
                {
                    // Another writer got in between: without If-Match, read again and replace that revision.
                    session.EjectAllPendingChanges();
                }
                catch (ConcurrencyException) when (command.IfMatch is not null)
                {
                    return new Outcome.VersionMismatch();
                }
            }
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPut("/notes/{id:int}", async Task<Results<Ok<Note>, ProblemHttpResult>> (
                    int id, Body? body, [FromHeader(Name = "If-Match")] string? ifMatch, IMediator mediator, HttpResponse response, CancellationToken cancellationToken) =>
                {
                    var command = new Command(id, body?.Text!, body?.Completed, ifMatch);
                    switch (await mediator.Send(command, cancellationToken))
                    {
                        case Outcome.Updated(var note):
                            response.Headers.ETag = note.ETag();
                            return TypedResults.Ok(note);
                        case Outcome.VersionMismatch:
                            return NoteProblems.VersionMismatch(id, ifMatch!);
                        case Outcome.NotFound:
                            return NoteProblems.NotFound(id);
                        case var other:
                            throw new UnreachableException($"Unknown outcome {other}");
                    }
                })
                .WithTags("Notes")
                .WithName(nameof(UpdateNote))
                .WithSummary("Replace a note's text and completed flag")
                .WithDescription("Send `If-Match` with the note's `ETag` to replace only the revision you read: if someone changed it since, the answer is 412 and nothing changes. Without `If-Match` the last writer wins.")
                .ProducesProblem(StatusCodes.Status400BadRequest)
                .ProducesProblem(StatusCodes.Status404NotFound)
                .ProducesProblem(StatusCodes.Status409Conflict)
                .ProducesProblem(StatusCodes.Status412PreconditionFailed)
                .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
                .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
    }
}
