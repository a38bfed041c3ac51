using System.Globalization;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Notes.Baseline;

/// <summary>A note's entity tag is its revision (<c>mt_version</c>) in quotes; conditional headers name them as RFC 9110 says.</summary>
internal static class ETags
{
    public static string For(int version) => string.Create(CultureInfo.InvariantCulture, $"\"{version}\"");

    /// <summary>The revisions <c>If-Match</c> accepts (strong comparison); null when there is none or it is <c>*</c>.</summary>
    public static int[]? AcceptedByIfMatch(StringValues ifMatch)
    {
        if (StringValues.IsNullOrEmpty(ifMatch) || string.IsNullOrWhiteSpace(ifMatch.ToString()))
        {
            return null;
        }

        if (!EntityTagHeaderValue.TryParseList([ifMatch.ToString()], out var tags))
        {
            return [];
        }

        return tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any))
            ? null
            : tags.Where(tag => !tag.IsWeak).Select(Revision).OfType<int>().Distinct().ToArray();
    }

    /// <summary>Whether <c>If-None-Match</c> names the revision (weak comparison) or is <c>*</c>.</summary>
    public static bool IfNoneMatchNames(StringValues ifNoneMatch, int version) =>
        !StringValues.IsNullOrEmpty(ifNoneMatch)
        && EntityTagHeaderValue.TryParseList([ifNoneMatch.ToString()], out var tags)
        && tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || Revision(tag) == version);

    private static int? Revision(EntityTagHeaderValue tag) =>
        int.TryParse(tag.Tag.AsSpan().Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : null;
}
