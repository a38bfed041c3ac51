namespace Notes.Features.Notes;

/// <summary>
/// The count a client asks a list for in the <c>Prefer</c> header (RFC 7240), as PostgREST reads it:
/// <c>count=exact</c> or <c>count=estimated</c>. Preferences are comma-separated, in one header or several; names and
/// values are case-insensitive; of a preference sent twice the first counts; one not understood is ignored.
/// </summary>
internal static class CountPreference
{
    public const string Header = "Prefer";
    public const string AppliedHeader = "Preference-Applied";

    public static ListNotes.Counting Read(IHeaderDictionary headers)
    {
        foreach (var value in headers[Header])
        {
            foreach (var preference in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                // parameters after ';' refine a preference; count takes none
                var pair = preference.Split(';', 2)[0].Split('=', 2, StringSplitOptions.TrimEntries);
                if (pair[0].Equals("count", StringComparison.OrdinalIgnoreCase))
                {
                    return (pair.Length == 2 ? pair[1].Trim('"') : "").ToLowerInvariant() switch
                    {
                        "exact" => ListNotes.Counting.Exact,
                        "estimated" => ListNotes.Counting.Estimated,
                        _ => ListNotes.Counting.None,
                    };
                }
            }
        }

        return ListNotes.Counting.None;
    }
}
