using Notes.Infrastructure.OpenApi;

namespace Notes.Features.Notes;

/// <summary>DELETE /notes/trash: deletes every note in the caller's trash for good, in one statement, and says how many.</summary>
public static class EmptyTrash
{
    public sealed record Command : IRequest<int>;

    /// <param name="Deleted">How many notes were deleted for good.</param>
    /// <param name="Message">What was done, e.g. "The trash has been emptied: 3 notes deleted for good."</param>
    [OpenApiExample("""{"deleted":3,"message":"The trash has been emptied: 3 notes deleted for good."}""")]
    public sealed record Emptied(int Deleted, string Message);

    internal sealed class Handler(IDocumentSession session, NoteTable table) : IRequestHandler<Command, int>
    {
        public async Task<int> Handle(Command command, CancellationToken cancellationToken)
        {
            await using var statement = NoteStatements.Statement(table.EmptyTrash);
            await using var reader = await session.ReadAsync(statement, cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return (int)reader.GetInt64(0);
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapDelete("/notes/trash", async Task<Ok<Emptied>> (IMediator mediator, CancellationToken cancellationToken) =>
                {
                    var deleted = await mediator.Send(new Command(), cancellationToken);
                    return TypedResults.Ok(new Emptied(deleted, $"The trash has been emptied: {deleted} {(deleted == 1 ? "note" : "notes")} deleted for good."));
                })
                .WithName(nameof(EmptyTrash))
                .WithSummary("Empty the trash");
    }
}
