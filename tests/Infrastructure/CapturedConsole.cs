using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Notes.Tests.Infrastructure;

/// <summary>
/// A second console for the tests: every event the API logs, written by the formatter the API's console uses
/// (Logging:Console:FormatterName) with the same scopes, into lines the tests can read.
/// </summary>
public sealed class CapturedConsole(IEnumerable<ConsoleFormatter> formatters, IOptionsMonitor<ConsoleLoggerOptions> options)
    : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _lines = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<string> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private ConsoleFormatter Formatter =>
        formatters.Single(formatter => formatter.Name == (options.CurrentValue.FormatterName ?? ConsoleFormatterNames.Simple));

    private sealed class Logger(CapturedConsole console, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => console._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            using var writer = new StringWriter();
            console.Formatter.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter), console._scopes, writer);
            console._lines.Enqueue(writer.ToString().TrimEnd());
        }
    }
}
