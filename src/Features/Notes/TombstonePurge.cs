using Npgsql;

namespace Notes.Features.Notes;

/// <summary>
/// Purges the changes feed's tombstones older than <c>Feed:TombstoneDays</c> (default 30), every
/// <c>Feed:PurgeIntervalMinutes</c> (default 60), on one instance at a time (a transaction-scoped advisory lock: an
/// instance that does not get it skips its turn). A follower whose position is older than the newest tombstone purged
/// gets 410 and starts over.
/// </summary>
public sealed partial class TombstonePurge(IDocumentStore store, NoteFeed feed, IConfiguration configuration, TimeProvider clock, ILogger<TombstonePurge> logger)
    : BackgroundService
{
    /// <summary>The purge's advisory lock ("purge" in ASCII).</summary>
    private const long PurgeLockKey = 0x7075726765;

    private int Days => Math.Max(0, configuration.GetValue("Feed:TombstoneDays", 30));

    /// <summary>One purge, if no other instance is purging; how many tombstones it removed (null when it left it to another).</summary>
    public async Task<int?> PurgeAsync(CancellationToken cancellationToken)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var takeLock = new NpgsqlCommand($"select pg_try_advisory_xact_lock({PurgeLockKey})", connection, transaction);
        if (await takeLock.ExecuteScalarAsync(cancellationToken) is not true)
        {
            return null;
        }

        await using var purge = new NpgsqlCommand(feed.Purge, connection, transaction) { Parameters = { new("days", Days) } };
        var purged = await purge.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return purged;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMinutes(Math.Max(1, configuration.GetValue("Feed:PurgeIntervalMinutes", 60)));
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(interval, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            try
            {
                if (!stoppingToken.IsCancellationRequested && await PurgeAsync(stoppingToken) is { } purged)
                {
                    LogPurged(logger, purged, Days);
                }
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
            {
                LogPurgeFailed(logger, exception.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Purged the changes feed's tombstones older than {Days} days ({Purged} rows)")]
    private static partial void LogPurged(ILogger logger, int purged, int days);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The tombstones' purge failed ({Reason}); trying again at its next turn")]
    private static partial void LogPurgeFailed(ILogger logger, string reason);
}
