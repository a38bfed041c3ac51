namespace Notes.Infrastructure.Hosting;

/// <summary>
/// A start-up that cannot succeed for a reason an operator can act on (the database refuses the login, does not
/// answer in time, ...): its message is the whole story, so it is logged as one line, without a stack trace.
/// </summary>
public sealed class StartupException(string message, Exception? innerException = null) : Exception(message, innerException);
