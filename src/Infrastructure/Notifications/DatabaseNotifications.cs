using System.Threading.Channels;
using Npgsql;

namespace Notes.Infrastructure.Notifications;

/// <summary>
/// PostgreSQL's notifications on one channel, as wake-ups between instances: <see cref="Notify"/> sends a key (after
/// the write it tells of has committed), one connection of each instance listens (to the primary), and
/// <see cref="Next"/> gives a task that completes at the next notification of a given key. Notifications are sent
/// outside the writes' transactions, several keys in one statement: a NOTIFY inside a write's transaction would
/// serialise every such commit on PostgreSQL's notification lock, fsync included. A wake-up is only a hint to look
/// again: one lost (a failover, a send that failed) is not sent again, so waiters must look again on their own after
/// a while.
/// </summary>
public sealed partial class DatabaseNotifications(NpgsqlDataSource dataSource, string channel, ILogger<DatabaseNotifications> logger) : BackgroundService
{
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, TaskCompletionSource> _waiting = [];
    private long _received;
    private readonly Channel<string> _outgoing = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Sends <paramref name="key"/> to every instance's waiters, soon, with the other keys sent meanwhile.</summary>
    public void Notify(string key) => _outgoing.Writer.TryWrite(key);

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

    /// <summary>How many notifications, of any key, this instance has received: what a look after a wake-up must have started after.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary><see cref="Next"/>, and how many notifications had been received when it was taken.</summary>
    public (Task Next, long Received) Register(string key)
    {
        lock (_lock)
        {
            return (Next(key), _received);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(ListenAsync(stoppingToken), SendAsync(stoppingToken));

    private async Task SendAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _outgoing.Reader.WaitToReadAsync(stoppingToken))
            {
                var keys = new HashSet<string>(StringComparer.Ordinal);
                while (_outgoing.Reader.TryRead(out var key))
                {
                    keys.Add(key);
                }

                try
                {
                    await using var command = dataSource.CreateCommand($"select pg_notify('{channel}', key) from unnest(@keys) as key");
                    command.Parameters.Add(new NpgsqlParameter("keys", keys.ToArray()));
                    await command.ExecuteNonQueryAsync(stoppingToken);
                }
                catch (Exception exception) when (exception is NpgsqlException or IOException or TimeoutException)
                {
                    LogSendFailed(logger, channel, exception.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
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
            Interlocked.Increment(ref _received);
            if (_waiting.Remove(key, out waiting))
            {
                waiting.TrySetResult();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notifying {Channel} failed ({Reason}); its waiters will look again by themselves")]
    private static partial void LogSendFailed(ILogger logger, string channel, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening to {Channel} stopped ({Reason}); listening again")]
    private static partial void LogListenLost(ILogger logger, string channel, string reason);
}
