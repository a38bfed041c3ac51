using Npgsql;

namespace Notes.Infrastructure.Notifications;

/// <summary>
/// PostgreSQL's notifications on one channel, as wake-ups: one connection of this instance listens (to the primary,
/// where writes commit), and <see cref="Next"/> gives a task that completes at the next notification whose payload is
/// a given key. A wake-up is only a hint to look again: while the connection is down (a restart, a failover) waiters
/// are not woken, so they must look again on their own after a while; it is listened to again at once.
/// </summary>
public sealed partial class DatabaseNotifications(NpgsqlDataSource dataSource, string channel, ILogger<DatabaseNotifications> logger) : BackgroundService
{
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, TaskCompletionSource> _waiting = [];

    /// <summary>Completes at the next notification of <paramref name="key"/> (taken before looking, so that none is missed between).</summary>
    public Task Next(string key)
    {
        lock (_lock)
        {
            if (!_waiting.TryGetValue(key, out var next))
            {
                next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiting[key] = next;
            }

            return next.Task;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, notification) => Wake(notification.Payload);
                await using (var listen = new NpgsqlCommand($"listen {channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is NpgsqlException or IOException or TimeoutException)
            {
                LogListenLost(logger, channel, exception.Message);
                await Task.Delay(ReconnectDelay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private void Wake(string key)
    {
        TaskCompletionSource? waiting;
        lock (_lock)
        {
            if (_waiting.Remove(key, out waiting))
            {
                waiting.TrySetResult();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening to {Channel} stopped ({Reason}); listening again")]
    private static partial void LogListenLost(ILogger logger, string channel, string reason);
}
