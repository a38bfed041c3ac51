using System.Collections.Concurrent;
using JasperFx;
using Notes.Infrastructure.Database;
using Notes.Infrastructure.Errors;

namespace Notes.Infrastructure.Telemetry;

/// <summary>
/// How a use case ended, told by convention from what its handler returned or threw, so that a new slice is
/// classified without a line of its own:
/// <list type="bullet">
/// <item>null or <c>false</c> (nothing found), or a result type named <c>NotFound</c> (or ending so): not_found;</item>
/// <item>a result type named <c>VersionMismatch</c>, <c>PreconditionFailed</c> or <c>Conflict</c> (or ending so), or
/// Marten's <see cref="ConcurrencyException"/>: conflict;</item>
/// <item>a result type named <c>Invalid</c> (or ending so), FluentValidation's <see cref="ValidationException"/> or a
/// <see cref="RequestTooLargeException"/>: validation;</item>
/// <item>an exception that <see cref="DatabaseErrors.IsUnavailable"/> recognises: unavailable;</item>
/// <item>a cancelled request: cancelled; any other exception: error; anything else returned: ok.</item>
/// </list>
/// </summary>
public static class UseCaseOutcome
{
    public const string Ok = "ok";
    public const string Validation = "validation";
    public const string NotFound = "not_found";
    public const string Conflict = "conflict";
    public const string Unavailable = "unavailable";
    public const string Cancelled = "cancelled";
    public const string Error = "error";

    private static readonly ConcurrentDictionary<Type, string> ByResultType = new();

    public static string OfResult<TResult>(TResult result) => result switch
    {
        null => NotFound,
        bool found => found ? Ok : NotFound,
        // typeof for a value type: its runtime type is known without boxing it
        _ => ByResultType.GetOrAdd(typeof(TResult).IsValueType ? typeof(TResult) : result.GetType(), OfResultType),
    };

    public static string OfException(Exception exception) => exception switch
    {
        ValidationException or RequestTooLargeException => Validation,
        ConcurrencyException => Conflict,
        OperationCanceledException => Cancelled,
        _ when DatabaseErrors.IsUnavailable(exception) => Unavailable,
        _ => Error,
    };

    /// <summary>Whether the outcome is a fault of the service rather than an answer to the client.</summary>
    public static bool IsFault(string outcome) => outcome is Unavailable or Error;

    private static string OfResultType(Type type) => type.Name switch
    {
        var name when name.EndsWith("NotFound", StringComparison.Ordinal) => NotFound,
        var name when name.EndsWith("VersionMismatch", StringComparison.Ordinal)
            || name.EndsWith("PreconditionFailed", StringComparison.Ordinal)
            || name.EndsWith("Conflict", StringComparison.Ordinal) => Conflict,
        var name when name.EndsWith("Invalid", StringComparison.Ordinal) => Validation,
        _ => Ok,
    };
}
