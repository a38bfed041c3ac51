namespace Notes.Infrastructure.Logging;

public static class LoggingSetup
{
    /// <summary>One line per event with a UTC timestamp; connection strings and bodies are never logged.</summary>
    public static WebApplicationBuilder AddNotesLogging(this WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.UseUtcTimestamp = true;
            options.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
        });
        return builder;
    }
}
