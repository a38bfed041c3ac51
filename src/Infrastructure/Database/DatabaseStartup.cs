using JasperFx;
using Notes.Features.Notes;
using Notes.Infrastructure.Hosting;
using Npgsql;

namespace Notes.Infrastructure.Database;

/// <summary>
/// Names the database, waits for it and applies the Marten schema before the server starts listening:
/// hosted services start before Kestrel, so no request can meet a half-made schema.
/// The wait holds <c>Database:StartupTimeoutSeconds</c> whatever the server does: each attempt's connect and command
/// timeouts are bounded by the time left, and a shutdown signal ends the wait at once.
/// </summary>
internal sealed partial class DatabaseStartup(IDocumentStore store, IConfiguration configuration, TimeProvider time, ILogger<DatabaseStartup> logger)
    : IHostedService
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LongestRetryDelay = TimeSpan.FromSeconds(5);

    /// <summary>The advisory lock under which one instance at a time applies the schema ("notes" in ASCII).</summary>
    private const long SchemaLockKey = 0x6e6f746573;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // First, as it needs no database: a mapping the notes' statements do not fit stops the API here.
        var table = NoteTable.Of(store);
        var mark = new SchemaMark(store, table);
        var settings = DatabaseSettings.Resolve(configuration);
        var database = DatabaseSettings.Describe(settings);
        LogDatabase(logger, database);
        if (DatabaseSettings.ResolveQueries(configuration) is { } queries)
        {
            var queriesDatabase = DatabaseSettings.Describe(queries);
            LogQueriesDatabase(logger, queriesDatabase);
        }

        var patience = TimeSpan.FromSeconds(configuration.GetValue("Database:StartupTimeoutSeconds", 60));
        var started = time.GetTimestamp();
        var delay = FirstRetryDelay;
        TimeSpan Left() => TimeSpan.FromTicks(Math.Max(1, (patience - time.GetElapsedTime(started)).Ticks));

        while (true)
        {
            try
            {
                await using (var connection = await ConnectAsync(settings, Left(), cancellationToken).WaitAsync(Left(), time, cancellationToken))
                {
                    // Instances starting together on a fresh database would race to create the same functions
                    // (23505 on pg_proc): one applies the schema at a time, the others wait for it, then find it done.
                    // The lock belongs to this connection's session and ends with it.
                    await using var takeLock = new NpgsqlCommand($"select pg_advisory_lock({SchemaLockKey})", connection);
                    await takeLock.ExecuteNonQueryAsync(cancellationToken).WaitAsync(Left(), time, cancellationToken);
                    var widened = await WidenIdsAsync(connection, table, cancellationToken).WaitAsync(Left(), time, cancellationToken);
                    if (widened)
                    {
                        LogIdsWidened(logger);
                    }

                    // Marten's comparison of the whole schema is skipped on a schema this build applied (see SchemaMark).
                    var current = !widened && await mark.IsCurrentAsync(connection, cancellationToken).WaitAsync(Left(), time, cancellationToken);
                    if (!current)
                    {
                        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync(AutoCreate.CreateOrUpdate)
                            .WaitAsync(Left(), time, cancellationToken);
                    }

                    if (current)
                    {
                        LogSchemaMarked(logger);
                    }
                    else
                    {
                        var filled = await CompleteSchemaAsync(connection, table, new NoteFeed(table), cancellationToken).WaitAsync(Left(), time, cancellationToken);
                        await mark.WriteAsync(connection, cancellationToken).WaitAsync(Left(), time, cancellationToken);
                        LogSchemaReady(logger, filled);
                    }
                }

                return;
            }
            catch (Exception exception) when (cancellationToken.IsCancellationRequested && exception is not OperationCanceledException)
            {
                throw new OperationCanceledException("Start-up was stopped while it waited for the database.", exception, cancellationToken);
            }
            catch (Exception exception) when (DatabaseErrors.IsUnavailable(exception) && !cancellationToken.IsCancellationRequested)
            {
                // A TimeoutException of its own is an attempt cut at the time left: the server said nothing.
                var reason = exception is TimeoutException ? "no answer" : DatabaseErrors.Reason(exception);
                if (time.GetElapsedTime(started) + delay >= patience)
                {
                    throw new StartupException(
                        $"the database {database} did not answer within {patience.TotalSeconds:0.##} s "
                        + $"(Database:StartupTimeoutSeconds); the last attempt: {reason}", exception);
                }

                LogWaiting(logger, reason, delay.TotalSeconds);
                await Task.Delay(delay, time, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestRetryDelay.Ticks));
            }
            catch (Exception exception) when (Refusal(exception) is { } refusal)
            {
                // A wrong password, an unknown database, a missing permission, a refused TLS handshake: waiting will not help.
                throw new StartupException($"the database {database} refused the API: {refusal.Message}", exception);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// What the API adds to Marten's schema, when it was applied, in one transaction: the changes feed's table and
    /// trigger (<see cref="NoteFeed"/>), with a change for every note already there; and for a database made before
    /// completed, createdAt and updatedAt became columns, those columns from each note's JSON (Marten fills a new
    /// duplicated column as it adds it; this covers any row it left empty). Once the table has its owners' policy, a
    /// build from before the columns can no longer write to it. Row-level security is lifted for this transaction
    /// alone, as the work is every owner's. Returns how many notes were given their columns.
    /// </summary>
    private static async Task<int> CompleteSchemaAsync(NpgsqlConnection connection, NoteTable table, NoteFeed feed, CancellationToken cancellationToken)
    {
        var (completed, createdAt, updatedAt) = (table.Column(note => note.Completed), table.Column(note => note.CreatedAt), table.Column(note => note.UpdatedAt));
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var feedSchema = new NpgsqlCommand($"alter table {table.Name} no force row level security; {feed.Schema()}; alter table {feed.Table} no force row level security", connection, transaction))
        {
            await feedSchema.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var fill = new NpgsqlCommand(
            $"""
            update {table.Name}
            set {completed} = ({table.Data} ->> 'completed')::boolean,
                {createdAt} = ({table.Data} ->> 'createdAt')::timestamptz,
                {updatedAt} = ({table.Data} ->> 'updatedAt')::timestamptz
            where {completed} is null or {createdAt} is null or {updatedAt} is null
            """,
            connection,
            transaction);
        var filled = await fill.ExecuteNonQueryAsync(cancellationToken);
        await using (var backfill = new NpgsqlCommand(
            $"{feed.Backfill}; alter table {feed.Table} force row level security; alter table {table.Name} force row level security", connection, transaction))
        {
            await backfill.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return filled;
    }

    /// <summary>
    /// A database made while ids were <c>integer</c> gets <c>bigint</c> ids, every note and the HiLo row kept, before
    /// Marten compares the schema (it would otherwise meet a column of another type than the one it configures).
    /// The table is rewritten under an exclusive lock, once; the advisory lock keeps other instances out meanwhile.
    /// </summary>
    private static async Task<bool> WidenIdsAsync(NpgsqlConnection connection, NoteTable table, CancellationToken cancellationToken)
    {
        const string IdType = "select format_type(atttypid, atttypmod) from pg_attribute where attrelid = to_regclass($1) and attname = $2";
        await using var type = new NpgsqlCommand(IdType, connection) { Parameters = { new() { Value = table.Name }, new() { Value = table.Id } } };
        if (await type.ExecuteScalarAsync(cancellationToken) is not "integer")
        {
            return false;
        }

        await using var widen = new NpgsqlCommand($"alter table {table.Name} alter column {table.Id} type bigint", connection);
        await widen.ExecuteNonQueryAsync(cancellationToken);
        return true;
    }

    private static NpgsqlException? Refusal(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is NpgsqlException npgsql)
            {
                return npgsql;
            }
        }

        return null;
    }

    /// <summary>A connection of its own (not pooled), with connect and command timeouts no longer than the time left.</summary>
    private static async Task<NpgsqlConnection> ConnectAsync(NpgsqlConnectionStringBuilder settings, TimeSpan left, CancellationToken cancellationToken)
    {
        var seconds = (int)Math.Clamp(Math.Ceiling(left.TotalSeconds), 1, settings.Timeout is > 0 ? settings.Timeout : int.MaxValue);
        var own = new NpgsqlConnectionStringBuilder(settings.ConnectionString)
        {
            Timeout = seconds,
            CommandTimeout = seconds,
            Pooling = false,
            ApplicationName = "notes-api start-up",
        };
        var connection = new NpgsqlConnection(own.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Using database {Database}")]
    private static partial void LogDatabase(ILogger logger, string database);

    [LoggerMessage(Level = LogLevel.Information, Message = "Queries read from {Database}")]
    private static partial void LogQueriesDatabase(ILogger logger, string database);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Note ids widened from integer to bigint")]
    private static partial void LogIdsWidened(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema is up to date ({Filled} notes given their new columns)")]
    private static partial void LogSchemaReady(ILogger logger, int filled);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema is up to date, as this build marked it")]
    private static partial void LogSchemaMarked(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database not reachable yet ({Reason}); trying again in {Seconds:0.##} s")]
    private static partial void LogWaiting(ILogger logger, string reason, double seconds);
}
