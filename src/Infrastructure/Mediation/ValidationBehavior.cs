using FluentValidation.Results;

namespace Notes.Infrastructure.Mediation;

/// <summary>
/// Runs every validator of a request before its handler; a broken rule never reaches the database. A singleton per
/// request type (validators are singletons): a request type without validators goes straight to its handler.
/// </summary>
internal sealed class ValidationBehavior<TRequest, TResponse>(IEnumerable<IValidator<TRequest>> validators)
    : IPipelineBehavior<TRequest, TResponse>
{
    private readonly IValidator<TRequest>[] _validators = [.. validators];

    public Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next) =>
        _validators.Length == 0 ? next() : ValidateThenHandle(request, next, cancellationToken);

    private async Task<TResponse> ValidateThenHandle(TRequest request, RequestHandlerDelegate<TResponse> next, CancellationToken cancellationToken)
    {
        List<ValidationFailure>? failures = null;
        foreach (var validator in _validators)
        {
            var result = await validator.ValidateAsync(request, cancellationToken);
            if (!result.IsValid)
            {
                (failures ??= []).AddRange(result.Errors);
            }
        }

        return failures is null ? await next() : throw new ValidationException(failures);
    }
}
