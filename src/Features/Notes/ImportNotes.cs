using System.ComponentModel.DataAnnotations;
using Carter;
using FluentValidation;
using FluentValidation.Results;
using Marten;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Notes.Infrastructure.Database;
using Notes.Infrastructure.Http;
using Notes.Infrastructure.OpenApi;
using Weasel.Core;

namespace Notes.Features.Notes;

/// <summary>
/// POST /notes/import: many notes at once, all or nothing. Every note is checked before any is stored (422 with the
/// errors keyed by position, e.g. <c>[3].text</c>); then they are written in one transaction with Marten's bulk
/// insert (PostgreSQL COPY), with ids from one range no concurrent create takes from.
/// </summary>
public static class ImportNotes
{
    public const int MaxNotes = 100_000;

    /// <summary>The body limit of this endpoint alone: 100,000 notes of the largest kind, as GET /notes/all writes them.</summary>
    public const long MaxBodyBytes = 256L * 1024 * 1024;

    /// <param name="Text">The note's text: not blank, at most 100 characters (Unicode code points).</param>
    /// <param name="Completed">Whether it is done; false when left out.</param>
    [OpenApiExample("""{"text":"Buy milk","completed":false}""")]
    public sealed record Item([property: Required, MinLength(1), MaxLength(Note.MaxTextLength)] string Text, bool Completed = false);

    /// <param name="Imported">How many notes were stored.</param>
    /// <param name="FirstId">The id of the first of them; the others follow it one by one, in the order sent (null when none).</param>
    /// <param name="LastId">The id of the last of them (null when none).</param>
    [OpenApiExample("""{"imported":3,"firstId":2001,"lastId":2003}""")]
    public sealed record Result(int Imported, int? FirstId, int? LastId);

    public sealed record Command(IReadOnlyList<Item?>? Notes) : IRequest<Result>;

    internal sealed class Validator : AbstractValidator<Command>
    {
        private static readonly ItemValidator Items = new();

        public Validator() =>
            RuleFor(command => command.Notes).Cascade(CascadeMode.Stop)
                .NotNull().WithMessage("The body must be a JSON array of notes, e.g. [{\"text\":\"Buy milk\"}].")
                .Must(notes => notes!.Count <= MaxNotes).WithMessage((_, notes) => $"An import takes at most {MaxNotes} notes (this one had {notes!.Count}): send them in parts.")
                .OverridePropertyName("body")
                .Custom((notes, context) =>
                {
                    // errors are keyed by each note's position in the array: [3].text
                    for (var i = 0; i < notes!.Count; i++)
                    {
                        if (notes[i] is not { } note)
                        {
                            context.AddFailure(new ValidationFailure($"[{i}]", "A note must be a JSON object with a 'text'."));
                            continue;
                        }

                        foreach (var failure in Items.Validate(note).Errors)
                        {
                            context.AddFailure(new ValidationFailure($"[{i}].{failure.PropertyName}", failure.ErrorMessage));
                        }
                    }
                });

        private sealed class ItemValidator : AbstractValidator<Item>
        {
            public ItemValidator() => RuleFor(item => item.Text).ValidNoteText();
        }
    }

    internal sealed class Handler(IDocumentSession session, HiLoIds<Note> ids, TimeProvider clock) : IRequestHandler<Command, Result>
    {
        public async Task<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var items = command.Notes!;
            if (items.Count == 0)
            {
                return new Result(0, null, null);
            }

            var first = await ids.ReserveRangeAsync(items.Count, cancellationToken);
            var now = Note.Timestamp(clock);
            var notes = items.Select((item, i) => new Note { Id = first + i, Text = item!.Text, Completed = item.Completed, CreatedAt = now, UpdatedAt = now }).ToList();
            await session.DocumentStore.BulkInsertAsync(notes, BulkInsertMode.InsertsOnly, batchSize: 10_000, cancellationToken);
            return new Result(notes.Count, first, first + notes.Count - 1);
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPost("/notes/import", async Task<Ok<Result>> (Item?[]? notes, IMediator mediator, CancellationToken cancellationToken) =>
                    TypedResults.Ok(await mediator.Send(new Command(notes), cancellationToken)))
                .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
                .WithRequestTimeout(RequestTimeoutSetup.LongRunning) // 100,000 notes take seconds to send and store
                .WithTags("Notes")
                .WithName(nameof(ImportNotes))
                .WithSummary("Import many notes at once")
                .WithDescription("A JSON array of notes (`text`, `completed`; other members are ignored, so the output of GET /notes/all is accepted as it is), at most 100,000 per request. All are checked first: one bad note and none is stored (422, errors keyed by position such as `[3].text`). They are stored in one transaction, with consecutive ids from `firstId` to `lastId` in the order sent.")
                .ProducesProblem(StatusCodes.Status400BadRequest)
                .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
                .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
                .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
    }
}
