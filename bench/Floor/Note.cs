using System.Text.Json.Serialization;
using JasperFx;

namespace Notes.Floor;

public sealed class Note : IRevisioned
{
    public long Id { get; set; }

    public required string Text { get; set; }

    public bool Completed { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    [JsonIgnore]
    public int Version { get; set; }
}
