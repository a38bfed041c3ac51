using Microsoft.Net.Http.Headers;

namespace Notes.Features.Notes;

/// <summary>
/// A note's entity tag is its Marten revision in quotes (<c>"3"</c>). These read the conditional request headers
/// that name them (RFC 9110): a list of tags, on one line or several, or <c>*</c>.
/// </summary>
internal static class NoteETags
{
    public static string For(int version) => $"\"{version}\"";

    /// <summary>
    /// The revisions an <c>If-Match</c> header accepts, by strong comparison (a weak tag never matches), or null when
    /// there is no header or it is <c>*</c>: then any current revision will do. A header that cannot be read accepts none.
    /// </summary>
    public static IReadOnlyList<int>? AcceptedByIfMatch(string? ifMatch)
    {
        if (string.IsNullOrWhiteSpace(ifMatch))
        {
            return null;
        }

        if (!EntityTagHeaderValue.TryParseList([ifMatch], out var tags))
        {
            return [];
        }

        return tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any))
            ? null
            : tags.Where(tag => !tag.IsWeak).Select(Revision).OfType<int>().Distinct().ToArray();
    }

    /// <summary>Whether an <c>If-None-Match</c> header names the given revision (weak comparison) or is <c>*</c>.</summary>
    public static bool IfNoneMatchNames(string? ifNoneMatch, int version) =>
        !string.IsNullOrWhiteSpace(ifNoneMatch)
        && EntityTagHeaderValue.TryParseList([ifNoneMatch], out var tags)
        && tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || Revision(tag) == version);

    /// <summary>Whether a conditional header is <c>*</c> (any revision), alone or in a list.</summary>
    public static bool IsAny(string? header) =>
        !string.IsNullOrWhiteSpace(header)
        && EntityTagHeaderValue.TryParseList([header], out var tags)
        && tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any));

    private static int? Revision(EntityTagHeaderValue tag) =>
        int.TryParse(tag.Tag.AsSpan().Trim('"'), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version)
            ? version
            : null;
}
