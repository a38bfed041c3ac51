using Notes.Infrastructure.Idempotency;
using Npgsql;

namespace Notes.Features.Notes;

/// <summary>
/// Deletes for good what is kept for a while only, every owner's: the notes in the trash for longer than
/// <c>Trash:RetentionDays</c> (default 30), the changes feed's tombstones older than <c>Feed:TombstoneDays</c>
/// (default 30), and the answers kept for an <c>Idempotency-Key</c> past <c>Idempotency:RetentionHours</c>; every <c>Feed:PurgeIntervalMinutes</c> (default 60), on one instance at a time (a
/// transaction-scoped advisory lock: an instance that does not get it skips its turn). A follower whose position is
/// older than the newest tombstone purged gets 410 and starts over.
/// </summary>
public sealed partial class ExpiredPurge(
    IDocumentStore store, NoteTable table, NoteFeed feed, IdempotencyKeys keys, IConfiguration configuration, TimeProvider clock, ILogger<ExpiredPurge> logger)
    : BackgroundService
{
    /// <summary>The purge's advisory lock ("purge" in ASCII).</summary>
    private const long PurgeLockKey = 0x7075726765;

    /// <summary>
    /// Lifting row-level security on the notes' table waits for the statements running on it, and holds the new ones
    /// while it waits: at most this long, else the purge waits for its next turn.
    /// </summary>
    private const string LockTimeout = "200ms";

    /// <summary>What one purge deleted for good.</summary>
    public sealed record Purged(int Notes, int Tombstones, int Answers);

    private int TrashDays => Math.Max(0, configuration.GetValue("Trash:RetentionDays", 30));

    private int TombstoneDays => Math.Max(0, configuration.GetValue("Feed:TombstoneDays", 30));

    /// <summary>One purge, if no other instance is purging (null when it left it to another).</summary>
    public async Task<Purged?> PurgeAsync(CancellationToken cancellationToken)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var takeLock = new NpgsqlCommand($"select pg_try_advisory_xact_lock({PurgeLockKey})", connection, transaction);
        if (await takeLock.ExecuteScalarAsync(cancellationToken) is not true)
        {
            return null;
        }

        var liftedForTrash = $"set local lock_timeout = '{LockTimeout}'; alter table {table.Name} no force row level security; {table.PurgeTrash}; alter table {table.Name} force row level security";
        await using var trash = new NpgsqlCommand(liftedForTrash, connection, transaction) { Parameters = { new("days", TrashDays) } };
        var notes = await trash.ExecuteNonQueryAsync(cancellationToken);
        await using var tombstones = new NpgsqlCommand(feed.Purge, connection, transaction) { Parameters = { new("days", TombstoneDays) } };
        var purged = new Purged(notes, await tombstones.ExecuteNonQueryAsync(cancellationToken), await keys.PurgeAsync(cancellationToken));
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
                    LogPurged(logger, purged.Notes, TrashDays, purged.Tombstones, TombstoneDays, purged.Answers);
                }
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
            {
                LogPurgeFailed(logger, exception.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Purged {Notes} notes in the trash for more than {TrashDays} days, {Tombstones} tombstones older than {TombstoneDays} days and {Answers} expired Idempotency-Key answers")]
    private static partial void LogPurged(ILogger logger, int notes, int trashDays, int tombstones, int tombstoneDays, int answers);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The purge failed ({Reason}); trying again at its next turn")]
    private static partial void LogPurgeFailed(ILogger logger, string reason);
}
