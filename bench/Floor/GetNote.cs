using Carter;
using FluentValidation;
using Marten;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Notes.Floor;

public static class GetNote
{
    public sealed record Query(long Id) : IRequest<Note?>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => RuleFor(query => query.Id).GreaterThan(0);
    }

    internal sealed class Handler(IQuerySession session) : IRequestHandler<Query, Note?>
    {
        public Task<Note?> Handle(Query request, CancellationToken cancellationToken) => session.LoadAsync<Note>(request.Id, cancellationToken);
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet("/notes/{id:long}", async Task<Results<Ok<Note>, NotFound>> (long id, IMediator mediator, CancellationToken cancellationToken) =>
                await mediator.Send(new Query(id), cancellationToken) is { } note ? TypedResults.Ok(note) : TypedResults.NotFound());
    }
}
