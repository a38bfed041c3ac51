using System.Text.Json.Serialization;
using JasperFx;
using Notes.Infrastructure.OpenApi;

namespace Notes.Features.Notes;

/// <summary>A note, stored as a Marten document (see <see cref="NoteTable"/>); its JSON is also its wire form.</summary>
[OpenApiExample("""{"id":1,"text":"Buy milk","completed":false,"createdAt":"2026-11-24T19:00:00Z","updatedAt":"2026-11-24T19:00:00Z"}""")]
public sealed class Note : IRevisioned
{
    /// <summary>The seed's column width for a note's text.</summary>
    public const int MaxTextLength = 100;

    /// <summary>
    /// Integer id from Marten's HiLo sequence, 1 for the first note of a fresh database: unique, not ordered by time
    /// (each instance takes its own blocks of ids), at most 2^53 - 1.
    /// </summary>
    public long Id { get; set; }

    public required string Text { get; set; }

    public bool Completed { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    /// <summary>Marten's numeric revision (column <c>mt_version</c>), exposed to clients as the ETag only.</summary>
    [JsonIgnore]
    public int Version { get; set; }

    /// <summary>The strong entity tag of this revision, as sent in <c>ETag</c> and expected in <c>If-Match</c>.</summary>
    public string ETag() => NoteETags.For(Version);

    /// <summary>
    /// The time to stamp a note with: UTC, to the microsecond, PostgreSQL's precision, so that the note's JSON and its
    /// <c>created_at</c>/<c>updated_at</c> columns hold the very same instant (sorting and cursors rely on it).
    /// </summary>
    public static DateTime Timestamp(TimeProvider clock)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
    }
}
