using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Notes.Infrastructure.Notifications;
using Notes.Infrastructure.OpenApi;

namespace Notes.Features.Notes;

/// <summary>
/// PUT /notes/{id}: replaces a note's text and completed flag, in one atomic statement. With <c>If-Match</c> it only
/// replaces a revision the client named (else 412); without it, the last writer wins, always. <c>If-None-Match: *</c>
/// (only if there is none) never holds for a PUT, which replaces notes that exist: 412 if the note exists, else 404.
/// </summary>
public static class UpdateNote
{
    /// <param name="Text">The note's new text: not blank, at most 100 characters (Unicode code points).</param>
    /// <param name="Completed">Its new completed flag; required, as a replacement leaves nothing out.</param>
    [OpenApiExample("""{"text":"Buy oat milk","completed":true}""")]
    public sealed record Body([property: Required, MinLength(1), MaxLength(Note.MaxTextLength)] string Text, [property: Required] bool? Completed);

    /// <summary>
    /// Replaces note <c>Id</c> if it is in one of the revisions <c>IfMatch</c> names (from the header), any when null;
    /// never when <c>IfNoneMatchAny</c> (<c>If-None-Match: *</c>).
    /// </summary>
    public sealed record Command(long Id, string Text, bool? Completed, IReadOnlyList<int>? IfMatch = null, bool IfNoneMatchAny = false)
        : IRequest<WriteOutcome>, IChangesNotes;

    internal sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(command => command.Text).ValidNoteText();
            RuleFor(command => command.Completed).NotNull().WithMessage("'completed' is required.");
        }
    }

    internal sealed class Handler(IDocumentSession session, NoteTable table, TimeProvider clock) : IRequestHandler<Command, WriteOutcome>
    {
        public Task<WriteOutcome> Handle(Command command, CancellationToken cancellationToken) => command.IfNoneMatchAny
            ? session.WhyNotWrittenAsync(table, command.Id, cancellationToken)
            : session.ChangeNoteAsync(table, command.Id, command.Text, command.Completed, Note.Timestamp(clock), command.IfMatch, cancellationToken);
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPut("/notes/{id:long}", async Task<Results<Utf8ContentHttpResult, ProblemHttpResult>> (
                    long id, Body? body, [FromHeader(Name = "If-Match")] string? ifMatch, [FromHeader(Name = "If-None-Match")] string? ifNoneMatch,
                    IMediator mediator, HttpResponse response, CancellationToken cancellationToken) =>
                {
                    var command = new Command(id, body?.Text!, body?.Completed, NoteETags.AcceptedByIfMatch(ifMatch), NoteETags.IsAny(ifNoneMatch));
                    var outcome = await mediator.Send(command, cancellationToken);
                    return outcome is WriteOutcome.PreconditionFailed && command.IfNoneMatchAny
                        ? NoteHttp.Exists(id)
                        : NoteHttp.Written(outcome, id, ifMatch, response);
                })
                .WithName(nameof(UpdateNote))
                .WithSummary("Replace a note's text and completed flag")
                .WithDescription("Send `If-Match` with the note's `ETag` (or a list of them) to replace only a revision you read: if someone changed it since, the answer is 412 and nothing changes. Without `If-Match` the last writer wins. `If-None-Match: *` (write only where there is no note) answers 412 for a note that exists and changes nothing.")
                .ProducesChangedNote();
    }
}
