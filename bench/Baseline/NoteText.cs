namespace Notes.Baseline;

/// <summary>The API's rule for a note's text, with its words: what breaks it, or null when the text is good.</summary>
internal static class NoteText
{
    public const int MaxLength = 100;

    public static string? Problem(string? text)
    {
        if (text is null)
        {
            return "'text' is required.";
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return "'text' must not be blank.";
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            return "'text' must not contain the NUL character (U+0000).";
        }

        // Unicode code points, as the seed's varchar(100) counted them; a lone surrogate is no character at all.
        var characters = 0;
        for (var i = 0; i < text.Length; i++, characters++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return "'text' must be well-formed Unicode: it holds half of a surrogate pair.";
            }
        }

        return characters <= MaxLength ? null : $"'text' must be at most {MaxLength} characters (it was {characters}).";
    }
}
