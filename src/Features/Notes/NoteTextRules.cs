namespace Notes.Features.Notes;

/// <summary>The rule every use case that writes a note's text applies to it.</summary>
internal static class NoteTextRules
{
    /// <summary>
    /// Required, not blank, storable and at most 100 characters. Characters are Unicode code points, as the seed's
    /// <c>varchar(100)</c> counts them: an emoji is one, although .NET strings count it as two.
    /// </summary>
    public static IRuleBuilderOptions<T, string> ValidNoteText<T>(this IRuleBuilderInitial<T, string> rule) =>
        rule
            .Cascade(CascadeMode.Stop)
            .NotNull().WithMessage("'text' is required.")
            .Must(text => !string.IsNullOrWhiteSpace(text)).WithMessage("'text' must not be blank.")
            // PostgreSQL cannot store U+0000 in a JSON document.
            .Must(text => !text.Contains('\0', StringComparison.Ordinal)).WithMessage("'text' must not contain the NUL character (U+0000).")
            .Must(IsWellFormed)
            .WithMessage("'text' must be well-formed Unicode: it holds half of a surrogate pair.")
            .Must(text => Characters(text) <= Note.MaxTextLength)
            .WithMessage((_, text) => $"'text' must be at most {Note.MaxTextLength} characters (it was {Characters(text)}).");

    /// <summary>The length of a text in Unicode code points.</summary>
    public static int Characters(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }

        return count;
    }

    private static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }
}
