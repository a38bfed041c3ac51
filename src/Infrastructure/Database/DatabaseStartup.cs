using JasperFx;
using Marten;

namespace Notes.Infrastructure.Database;

/// <summary>
/// Names the database, waits for it and applies the Marten schema before the server starts listening:
/// hosted services start before Kestrel, so no request can meet a half-made schema.
/// </summary>
internal sealed partial class DatabaseStartup(IDocumentStore store, IConfiguration configuration, ILogger<DatabaseStartup> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var database = DatabaseSettings.Describe(DatabaseSettings.Resolve(configuration));
        LogDatabase(logger, database);
        if (DatabaseSettings.ResolveQueries(configuration) is { } queries)
        {
            var queriesDatabase = DatabaseSettings.Describe(queries);
            LogQueriesDatabase(logger, queriesDatabase);
        }

        var patience = TimeSpan.FromSeconds(configuration.GetValue("Database:StartupTimeoutSeconds", 60));
        var deadline = DateTime.UtcNow + patience;
        var delay = TimeSpan.FromMilliseconds(250);

        while (true)
        {
            try
            {
                await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync(AutoCreate.CreateOrUpdate);
                LogSchemaReady(logger);
                return;
            }
            catch (Exception exception) when (DatabaseErrors.IsUnavailable(exception) && DateTime.UtcNow + delay < deadline)
            {
                LogWaiting(logger, DatabaseErrors.Reason(exception), delay.TotalSeconds);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Using database {Database}")]
    private static partial void LogDatabase(ILogger logger, string database);

    [LoggerMessage(Level = LogLevel.Information, Message = "Queries read from {Database}")]
    private static partial void LogQueriesDatabase(ILogger logger, string database);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema is up to date")]
    private static partial void LogSchemaReady(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database not reachable yet ({Reason}); trying again in {Seconds:0.##} s")]
    private static partial void LogWaiting(ILogger logger, string reason, double seconds);
}
