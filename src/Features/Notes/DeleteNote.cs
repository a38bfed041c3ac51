using Carter;
using Marten;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Notes.Infrastructure.OpenApi;

namespace Notes.Features.Notes;

/// <summary>DELETE /notes/{id}: removes a note and says so; 404 when there is none.</summary>
public static class DeleteNote
{
    /// <returns>Whether there was a note to delete.</returns>
    public sealed record Command(int Id) : IRequest<bool>;

    /// <param name="Message">What was done, e.g. "Note with id 7 has been deleted."</param>
    [OpenApiExample("""{"message":"Note with id 7 has been deleted."}""")]
    public sealed record Deleted(string Message);

    internal sealed class Handler(IDocumentSession session) : IRequestHandler<Command, bool>
    {
        public async Task<bool> Handle(Command command, CancellationToken cancellationToken)
        {
            if (!await session.CheckExistsAsync<Note>(command.Id, cancellationToken))
            {
                return false;
            }

            session.Delete<Note>(command.Id);
            await session.SaveChangesAsync(cancellationToken);
            return true;
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapDelete("/notes/{id:int}", async Task<Results<Ok<Deleted>, ProblemHttpResult>> (int id, IMediator mediator, CancellationToken cancellationToken) =>
                    await mediator.Send(new Command(id), cancellationToken)
                        ? TypedResults.Ok(new Deleted($"Note with id {id} has been deleted."))
                        : NoteProblems.NotFound(id))
                .WithTags("Notes")
                .WithName(nameof(DeleteNote))
                .WithSummary("Delete a note")
                .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
