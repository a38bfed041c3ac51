namespace Notes.Infrastructure.Hosting;

/// <summary>
/// Runs the API and turns how it ended into an exit code: 0 after a normal shutdown, 1 when it could not start.
/// A start-up failure an operator can act on (port in use, database refusing the login or not answering in
/// time, a shutdown signal during start-up, invalid settings) is one log line, not a stack trace and an abort.
/// </summary>
public static partial class HostRunner
{
    public const int FailureExitCode = 1;

    public static async Task<int> RunNotesAsync(this WebApplication app)
    {
        // Created up front: the host disposes its services when RunAsync ends, and the console logger
        // still writes (synchronously) after that.
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Notes.Startup");
        var lifetime = app.Lifetime;
        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (Exception exception) when (!lifetime.ApplicationStarted.IsCancellationRequested)
        {
            if (StartupFailure.Explain(exception, lifetime.ApplicationStopping.IsCancellationRequested) is { } reason)
            {
                LogCannotStart(logger, reason);
            }
            else
            {
                LogStartCrashed(logger, exception);
            }

            return FailureExitCode;
        }
        catch (Exception exception)
        {
            LogStopCrashed(logger, exception);
            return FailureExitCode;
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "The API did not start: {Reason}")]
    private static partial void LogCannotStart(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The API did not start: an unexpected error")]
    private static partial void LogStartCrashed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The API stopped on an unexpected error")]
    private static partial void LogStopCrashed(ILogger logger, Exception exception);
}
