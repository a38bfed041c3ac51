using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Notes.Infrastructure.Idempotency;
using Notes.Infrastructure.Json;
using Notes.Infrastructure.Notifications;
using Notes.Infrastructure.OpenApi;

namespace Notes.Features.Notes;

/// <summary>
/// PATCH /notes/{id}: a JSON merge patch (RFC 7396): only the members sent change, in one atomic statement.
/// Neither member can be removed, so <c>null</c> for either is refused; <c>If-Match</c> as for PUT.
/// </summary>
public static class PatchNote
{
    public const string MergePatchJson = "application/merge-patch+json";

    /// <param name="Text">The note's new text, if it changes: not blank, at most 100 characters (Unicode code points).</param>
    /// <param name="Completed">Its new completed flag, if it changes.</param>
    [OpenApiExample("""{"completed":true}""")]
    public sealed record Body([property: MinLength(1), MaxLength(Note.MaxTextLength)] PatchMember<string?> Text, PatchMember<bool?> Completed);

    /// <summary>
    /// Applies <c>Patch</c> (null when the body was empty or JSON null, which is refused) to note <c>Id</c> if it is in
    /// one of the revisions <c>IfMatch</c> names (from the header); any when null.
    /// </summary>
    public sealed record Command(long Id, Body? Patch, IReadOnlyList<int>? IfMatch = null) : IRequest<WriteOutcome>, IChangesNotes;

    internal sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(command => command.Patch).NotNull().OverridePropertyName("body")
                .WithMessage("The body must be a JSON merge patch: an object with the fields to change, e.g. {\"completed\":true}.");
            When(command => command.Patch is { Text.IsSet: true }, () =>
                RuleFor(command => command.Patch!.Text.Value!).ValidNoteText().OverridePropertyName("text"));
            When(command => command.Patch is { Completed.IsSet: true }, () =>
                RuleFor(command => command.Patch!.Completed.Value).NotNull()
                    .WithMessage("'completed' cannot be removed: send true or false.").OverridePropertyName("completed"));
        }
    }

    internal sealed class Handler(IDocumentSession session, NoteTable table, TimeProvider clock) : IRequestHandler<Command, WriteOutcome>
    {
        public async Task<WriteOutcome> Handle(Command command, CancellationToken cancellationToken)
        {
            var patch = command.Patch!;
            if (patch.Text.IsSet || patch.Completed.IsSet)
            {
                return await session.ChangeNoteAsync(
                    table, command.Id, patch.Text.Value, patch.Completed.Value, Note.Timestamp(clock), command.IfMatch, cancellationToken);
            }

            // An empty patch changes nothing: the note as it is, under the same conditions.
            var note = await session.ReadNoteAsync(NoteStatements.Statement(table.SelectById, command.Id), cancellationToken);
            return note is null ? new WriteOutcome.NotFound()
                : command.IfMatch is { } accepted && !accepted.Contains(note.Version) ? new WriteOutcome.PreconditionFailed()
                : new WriteOutcome.Written(note);
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPatch("/notes/{id:long}", async Task<Results<Utf8ContentHttpResult, ProblemHttpResult>> (
                    long id, Body? body, [FromHeader(Name = "If-Match")] string? ifMatch, IMediator mediator, HttpResponse response, CancellationToken cancellationToken) =>
                {
                    var command = new Command(id, body, NoteETags.AcceptedByIfMatch(ifMatch));
                    return NoteHttp.Written(await mediator.Send(command, cancellationToken), id, ifMatch, response);
                })
                .Accepts<Body>(MergePatchJson, "application/json")
                .WithIdempotency()
                .WithName(nameof(PatchNote))
                .WithSummary("Change some of a note's fields")
                .WithDescription("A JSON merge patch (RFC 7396, `application/merge-patch+json` or plain JSON): only the members sent change, `updatedAt` moves and `createdAt` stays. `null` for `text` or `completed` is refused (422): neither can be removed. `If-Match` as for PUT.")
                .ProducesChangedNote();
    }
}
