namespace Notes.Features.Notes;

/// <summary>What became of a write to one note (PUT, PATCH, DELETE).</summary>
public abstract record WriteOutcome
{
    public sealed record Written(StoredNote Note) : WriteOutcome;

    public sealed record Deleted : WriteOutcome;

    public sealed record NotFound : WriteOutcome;

    /// <summary>The note exists, but in none of the revisions <c>If-Match</c> named.</summary>
    public sealed record PreconditionFailed : WriteOutcome;
}
