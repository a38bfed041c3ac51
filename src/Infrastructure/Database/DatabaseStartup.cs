using JasperFx;
using Marten;
using Npgsql;

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

        var patience = TimeSpan.FromSeconds(configuration.GetValue("Database:StartupTimeoutSeconds", 60));
        var deadline = DateTime.UtcNow + patience;
        var delay = TimeSpan.FromMilliseconds(250);

        while (true)
        {
            try
            {
                await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync(AutoCreate.CreateOrUpdate);
                var filled = await FillNewColumnsAsync(cancellationToken);
                LogSchemaReady(logger, filled);
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

    /// <summary>
    /// A database made before completed, createdAt and updatedAt became columns gets them from each note's JSON
    /// (Marten fills a new duplicated column as it adds it; this covers any row it left empty).
    /// </summary>
    private async Task<int> FillNewColumnsAsync(CancellationToken cancellationToken)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $$"""
            update {{store.Options.DatabaseSchemaName}}.mt_doc_note
            set completed = (data ->> 'completed')::boolean,
                created_at = (data ->> 'createdAt')::timestamptz,
                updated_at = (data ->> 'updatedAt')::timestamptz
            where completed is null or created_at is null or updated_at is null
            """,
            connection);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Using database {Database}")]
    private static partial void LogDatabase(ILogger logger, string database);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema is up to date ({Filled} notes given their new columns)")]
    private static partial void LogSchemaReady(ILogger logger, int filled);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database not reachable yet ({Reason}); trying again in {Seconds:0.##} s")]
    private static partial void LogWaiting(ILogger logger, string reason, double seconds);
}
