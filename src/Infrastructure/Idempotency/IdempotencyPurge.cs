using Npgsql;

namespace Notes.Infrastructure.Idempotency;

/// <summary>
/// Deletes the kept answers older than <c>Idempotency:RetentionHours</c> every <c>Idempotency:PurgeIntervalMinutes</c>
/// (60). Lookups ignore them already; this only keeps the table small. Instances purging at once do no harm.
/// </summary>
internal sealed partial class IdempotencyPurge(IdempotencyKeys keys, IConfiguration configuration, TimeProvider clock, ILogger<IdempotencyPurge> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMinutes(Math.Max(1, configuration.GetValue("Idempotency:PurgeIntervalMinutes", 60)));
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(interval, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            try
            {
                if (!stoppingToken.IsCancellationRequested)
                {
                    var purged = await keys.PurgeAsync(stoppingToken);
                    LogPurged(logger, purged);
                }
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
            {
                LogPurgeFailed(logger, exception.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Purged {Purged} expired Idempotency-Key answers")]
    private static partial void LogPurged(ILogger logger, int purged);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The purge of expired Idempotency-Key answers failed ({Reason}); trying again at its next turn")]
    private static partial void LogPurgeFailed(ILogger logger, string reason);
}
