using System.Diagnostics;

namespace Notes.Infrastructure.Telemetry;

/// <summary>The names under which use cases are traced (one span each) and measured (one histogram).</summary>
public static class UseCaseTelemetry
{
    /// <summary>The ActivitySource and Meter of the use cases.</summary>
    public const string Name = "Notes.UseCases";

    /// <summary>Duration of one use case, in seconds; its count is the number of use cases run.</summary>
    public const string DurationInstrument = "notes.use_case.duration";

    /// <summary>Tag with the request type, e.g. <c>CreateNote.Command</c>.</summary>
    public const string UseCaseTag = "notes.use_case";

    /// <summary>Tag with the <see cref="UseCaseOutcome"/> of the use case.</summary>
    public const string OutcomeTag = "notes.outcome";

    internal static readonly ActivitySource Source = new(Name);

    /// <summary>From 1 ms (a read served by a warm pool) to 10 s (a use case waiting on a lost database).</summary>
    internal static readonly double[] DurationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary><c>CreateNote.Command</c> for the nested request type Command of the use case CreateNote.</summary>
    public static string NameOf(Type requestType) =>
        requestType.DeclaringType is { } useCase ? $"{useCase.Name}.{requestType.Name}" : requestType.Name;
}
