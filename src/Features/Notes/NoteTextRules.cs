using FluentValidation;

namespace Notes.Features.Notes;

/// <summary>The rule every use case that writes a note's text applies to it.</summary>
internal static class NoteTextRules
{
    public static IRuleBuilderOptions<T, string> ValidNoteText<T>(this IRuleBuilderInitial<T, string> rule) =>
        rule
            .Cascade(CascadeMode.Stop)
            .NotNull().WithMessage("'text' is required.")
            .Must(text => !string.IsNullOrWhiteSpace(text)).WithMessage("'text' must not be blank.")
            .MaximumLength(Note.MaxTextLength).WithMessage($"'text' must be at most {Note.MaxTextLength} characters (it was {{TotalLength}}).");
}
