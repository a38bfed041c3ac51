namespace Notes.Infrastructure.Errors;

/// <summary>A request found too large only as its body is read (413), with what was too large in it.</summary>
public sealed class RequestTooLargeException(string message) : Exception(message);
