using System.ComponentModel.DataAnnotations;
using Carter;
using FluentValidation;
using Marten;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Notes.Features.Notes;

/// <summary>GET /notes?skip=0&amp;take=20: one page of notes in id order (the seed's defaults).</summary>
public static class ListNotes
{
    public const int MaxTake = 1000;

    /// <param name="Skip">How many notes to pass over, from the lowest id.</param>
    /// <param name="Take">How many notes to return, 1 to 1000.</param>
    public sealed record Query(int Skip = 0, int Take = 20) : IRequest<IReadOnlyList<Note>>;

    internal sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(query => query.Skip).GreaterThanOrEqualTo(0).WithMessage("'skip' must be 0 or more.");
            RuleFor(query => query.Take).InclusiveBetween(1, MaxTake).WithMessage($"'take' must be between 1 and {MaxTake}.");
        }
    }

    internal sealed class Handler(IQuerySession session) : IRequestHandler<Query, IReadOnlyList<Note>>
    {
        public Task<IReadOnlyList<Note>> Handle(Query query, CancellationToken cancellationToken) =>
            session.Query<Note>()
                .OrderBy(note => note.Id)
                .Skip(query.Skip)
                .Take(query.Take)
                .ToListAsync(cancellationToken);
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet("/notes", async Task<Ok<IReadOnlyList<Note>>> (
                    IMediator mediator, CancellationToken cancellationToken, [Range(0, int.MaxValue)] int? skip, [Range(1, MaxTake)] int? take) =>
                    TypedResults.Ok(await mediator.Send(new Query(skip ?? 0, take ?? 20), cancellationToken)))
                .WithTags("Notes")
                .WithName(nameof(ListNotes))
                .WithSummary("Read a page of notes")
                .WithDescription("`skip` notes are passed over (default 0) and at most `take` returned (default 20, at most 1000), in id order.")
                .ProducesProblem(StatusCodes.Status400BadRequest)
                .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
    }
}
