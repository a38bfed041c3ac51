using System.ComponentModel.DataAnnotations;
using FluentValidation.Results;
using Microsoft.AspNetCore.Mvc;
using Notes.Infrastructure.Database;
using Notes.Infrastructure.Idempotency;
using Notes.Infrastructure.Notifications;
using Notes.Infrastructure.Http;
using Notes.Infrastructure.OpenApi;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;
using Microsoft.Extensions.Options;
using Notes.Infrastructure.Errors;
using Notes.Infrastructure.Json;
using Npgsql;
using NpgsqlTypes;

namespace Notes.Features.Notes;

/// <summary>
/// POST /notes/import: many notes at once, all or nothing. The body is read as a stream, one note at a time (a note is
/// never more than <see cref="MaxItemBytes"/> of JSON, and the array is never held whole); each note is checked as it
/// comes and stored in batches of one statement each, all in one transaction that commits only when the whole array
/// was read and every note was good. Past <see cref="MaxNotes"/> notes the import stops with 413; a bad note stops the
/// storing, the rest is still checked, and the 422 keys the first <see cref="MaxErrors"/> errors by position
/// (<c>[3].text</c>) and counts them all. Ids are taken only for the notes stored.
/// </summary>
public static class ImportNotes
{
    public const int MaxNotes = 100_000;

    /// <summary>The body limit of this endpoint alone: 100,000 notes of the largest kind, as GET /notes/all writes them.</summary>
    public const long MaxBodyBytes = 256L * 1024 * 1024;

    /// <summary>The most JSON one note of the array may take, the body limit of a create.</summary>
    public const int MaxItemBytes = (int)JsonSetup.MaxRequestBodyBytes;

    /// <summary>The most errors a 422 lists; its <c>errorCount</c> says how many there were.</summary>
    public const int MaxErrors = 100;

    private const int BatchSize = 1000;

    private const string NotAnArray = "The body must be a JSON array of notes, e.g. [{\"text\":\"Buy milk\"}].";

    /// <param name="Text">The note's text: not blank, at most 100 characters (Unicode code points).</param>
    /// <param name="Completed">Whether it is done; false when left out.</param>
    [OpenApiExample("""{"text":"Buy milk","completed":false}""")]
    public sealed record Item([property: Required, MinLength(1), MaxLength(Note.MaxTextLength)] string Text, bool Completed = false);

    /// <param name="Imported">How many notes were stored.</param>
    /// <param name="FirstId">The id of the first of them (null when none). Ids increase in the order sent, but other writers may take ids between them.</param>
    /// <param name="LastId">The id of the last of them (null when none).</param>
    [OpenApiExample("""{"imported":3,"firstId":2001,"lastId":2003}""")]
    public sealed record Result(int Imported, long? FirstId, long? LastId);

    /// <summary>The notes as the body is read; each is checked in the handler, as it comes (<see cref="ItemValidator"/>).</summary>
    public sealed record Command(IAsyncEnumerable<Item?> Notes) : IRequest<Result>, IChangesNotes;

    internal sealed class ItemValidator : AbstractValidator<Item>
    {
        public ItemValidator() => RuleFor(item => item.Text).ValidNoteText();
    }

    internal sealed class Handler(IDocumentSession session, NoteTable table, HiLoIds<Note> ids, ImportSlots slots, TimeProvider clock) : IRequestHandler<Command, Result>
    {
        private static readonly ItemValidator Items = new();

        public async Task<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            using var slot = slots.Enter(session.TenantId);
            await using var connection = session.DocumentStore.Storage.Database.CreateConnection();
            await connection.OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await NoteStatements.SetOwnerAsync(connection, session.TenantId, cancellationToken);
            var now = Note.Timestamp(clock);
            var batch = new List<Item>(BatchSize);
            var errors = new List<ValidationFailure>();
            var (read, errorCount, imported) = (0, 0, 0);
            (long? first, long? last) = (null, null);
            await foreach (var item in command.Notes.WithCancellation(cancellationToken))
            {
                if (read == MaxNotes)
                {
                    throw new RequestTooLargeException($"An import takes at most {MaxNotes} notes: send them in parts.");
                }

                var failures = item is null
                    ? [new ValidationFailure($"[{read}]", "A note must be a JSON object with a 'text'.")]
                    : Items.Validate(item).Errors.Select(failure => new ValidationFailure($"[{read}].{failure.PropertyName}", failure.ErrorMessage)).ToList();
                read++;
                errorCount += failures.Count;
                errors.AddRange(failures.Take(MaxErrors - errors.Count));
                if (errorCount > 0)
                {
                    continue; // nothing more is stored: the rest is only checked, to tell the client about it
                }

                batch.Add(item!);
                if (batch.Count == BatchSize)
                {
                    (first, last) = await WriteAsync(connection, batch, now, first, cancellationToken);
                    imported += batch.Count;
                    batch.Clear();
                }
            }

            if (errorCount > 0)
            {
                throw new CountedValidationException(errors, errorCount);
            }

            if (batch.Count > 0)
            {
                (first, last) = await WriteAsync(connection, batch, now, first, cancellationToken);
                imported += batch.Count;
            }

            await transaction.CommitAsync(cancellationToken);
            return new Result(imported, first, last);
        }

        private async Task<(long? First, long? Last)> WriteAsync(NpgsqlConnection connection, List<Item> batch, DateTime now, long? first, CancellationToken cancellationToken)
        {
            var batchIds = new long[batch.Count];
            await ids.TakeAsync(batchIds, cancellationToken);
            var serializer = session.DocumentStore.Options.Serializer();
            var json = batch.Select((item, i) => serializer.ToJson(new Note { Id = batchIds[i], Text = item.Text, Completed = item.Completed, CreatedAt = now, UpdatedAt = now })).ToArray();
            await using var insert = NoteStatements.Statement(
                table.InsertMany,
                batchIds,
                new NpgsqlParameter { Value = json, NpgsqlDbType = NpgsqlDbType.Jsonb | NpgsqlDbType.Array },
                table.DotNetTypeName,
                batch.Select(item => item.Completed).ToArray(),
                now);
            insert.Connection = connection;
            await insert.ExecuteNonQueryAsync(cancellationToken);
            return (first ?? batchIds[0], batchIds[^1]);
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPost("/notes/import", async Task<Ok<Result>> (HttpRequest request, IOptions<JsonOptions> json, IMediator mediator, CancellationToken cancellationToken) =>
                {
                    var notes = JsonArrayReader.ReadAsync<Item>(request.Body, json.Value.SerializerOptions, MaxItemBytes, NotAnArray, cancellationToken);
                    return TypedResults.Ok(await mediator.Send(new Command(notes), cancellationToken));
                })
                .Accepts<Item[]>("application/json")
                .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
                .WithRequestTimeout(RequestTimeoutSetup.LongRunning) // 100,000 notes take seconds to send and store
                .WithIdempotency()
                .WithName(nameof(ImportNotes))
                .WithSummary("Import many notes at once")
                .WithDescription("A JSON array of notes (`text`, `completed`; other members are ignored, so the output of GET /notes/all is accepted as it is), at most 100,000 per request and 64 KiB of JSON per note (413 past either). All or nothing: one bad note and none is stored (422 listing the first 100 errors, keyed by position such as `[3].text`, and `errorCount`, how many there were). They are stored in one transaction; their ids increase in the order sent, from `firstId` to `lastId`, though other writers may take ids in between. A server runs a few imports at once (503 with Retry-After past them).")
                .ProducesProblem(StatusCodes.Status400BadRequest)
                .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
                .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
                .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
                .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
                .ProducesProblem(StatusCodes.Status507InsufficientStorage);
    }
}
