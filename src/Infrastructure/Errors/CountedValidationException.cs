using FluentValidation.Results;

namespace Notes.Infrastructure.Errors;

/// <summary>A validation failure that lists only some of its errors; <see cref="ErrorCount"/> says how many there were (422 <c>errorCount</c>).</summary>
public sealed class CountedValidationException(IEnumerable<ValidationFailure> errors, int errorCount) : ValidationException(errors)
{
    public int ErrorCount { get; } = errorCount;
}
