namespace Notes.Infrastructure.Errors;

/// <summary>What the client asks for is no longer kept: 410, with what to do instead.</summary>
public sealed class GoneException(string title, string message) : Exception(message)
{
    public string Title { get; } = title;
}
