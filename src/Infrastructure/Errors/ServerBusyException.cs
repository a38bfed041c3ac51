namespace Notes.Infrastructure.Errors;

/// <summary>The server refuses work it has no room for right now: 503 with Retry-After, the client may try again.</summary>
public sealed class ServerBusyException(string title, string message, int retryAfterSeconds) : Exception(message)
{
    public string Title { get; } = title;

    public int RetryAfterSeconds { get; } = retryAfterSeconds;
}
