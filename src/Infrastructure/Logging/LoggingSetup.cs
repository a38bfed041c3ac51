using Microsoft.Extensions.Logging.Console;

namespace Notes.Infrastructure.Logging;

public static class LoggingSetup
{
    /// <summary>
    /// One line per event on the console with a UTC timestamp and, for every line written while a request runs,
    /// its trace id (from the request's activity, in the line's scope). <c>Logging:Console:FormatterName</c> picks
    /// the format: <c>simple</c> (the default: text for people) or <c>json</c> (one JSON object a line, for log
    /// shippers). Connection strings and bodies are never logged.
    /// </summary>
    public static WebApplicationBuilder AddNotesLogging(this WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.Configure(options => options.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        // Configuration binds first, so a FormatterName set there stays; unset, the console would fall back to its
        // obsolete options, which ignore the formatter options below.
        builder.Logging.AddConsole(options => options.FormatterName ??= ConsoleFormatterNames.Simple);
        builder.Services.Configure<SimpleConsoleFormatterOptions>(options =>
        {
            options.SingleLine = true;
            options.IncludeScopes = true;
            options.UseUtcTimestamp = true;
            options.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
        });
        builder.Services.Configure<JsonConsoleFormatterOptions>(options =>
        {
            options.IncludeScopes = true;
            options.UseUtcTimestamp = true;
            options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        return builder;
    }
}
